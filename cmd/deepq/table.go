package main

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/deepq-go/deepq/env"
)

// printMetricsTable prints the agent against buy-and-hold on one span.
func printMetricsTable(w io.Writer, m env.Metrics) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "metric\tagent\tbuy & hold")
	fmt.Fprintf(tw, "total return\t%s\t%s\n", percent(m.TotalReturn), percent(m.BuyHoldReturn))
	fmt.Fprintf(tw, "Sharpe (annualised)\t%.2f\t%.2f\n", m.Sharpe, m.BuyHoldSharpe)
	fmt.Fprintf(tw, "max drawdown\t%s\t%s\n", percent(m.MaxDrawdown), percent(m.BuyHoldMaxDrawdown))
	fmt.Fprintf(tw, "win rate\t%s\t-\n", percent(m.WinRate))
	fmt.Fprintf(tw, "trades\t%d\t1\n", m.Trades)
	fmt.Fprintf(tw, "exposure\t%s\t100.0%%\n", percent(m.Exposure))
	tw.Flush()
}

func percent(x float64) string { return fmt.Sprintf("%.1f%%", 100*x) }

// formatBytes prints a byte count in MiB with one decimal.
func formatBytes(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }
