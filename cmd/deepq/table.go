package main

import (
	"fmt"
	"io"
	"math"
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
	fmt.Fprintf(tw, "win rate\t%s\t-\n", winRate(m))
	fmt.Fprintf(tw, "trades\t%d\t1\n", m.Trades)
	fmt.Fprintf(tw, "exposure\t%s\t100.0%%\n", percent(m.Exposure))
	tw.Flush()
}

// percent formats a fraction as a percentage with one decimal. A value
// that rounds to zero prints as 0.0%, never -0.0%.
func percent(x float64) string {
	p := math.Round(1000*x) / 10
	if p == 0 {
		p = 0 // turns -0 into +0
	}
	return fmt.Sprintf("%.1f%%", p)
}

// winRate formats the win rate, or "-" when no trade was closed, because
// the rate of zero trades is undefined rather than 0%.
func winRate(m env.Metrics) string {
	if m.ClosedTrades == 0 {
		return "-"
	}
	return percent(m.WinRate)
}

// formatBytes prints a byte count in MiB with one decimal.
func formatBytes(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }
