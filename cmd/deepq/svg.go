package main

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"math"

	"github.com/deepq-go/deepq/dqn"
	"github.com/deepq-go/deepq/env"
)

// Chart geometry in SVG user units (pixels).
const (
	chartWidth  = 800
	panelHeight = 300
	marginLeft  = 70
	marginRight = 20
	marginTop   = 40
	marginBot   = 40
)

// line is one polyline of a chart.
type line struct {
	name  string
	color string
	ys    []float64
}

// equitySVG draws the agent's and buy-and-hold's equity on the test span.
func equitySVG(r *env.BacktestResult, name string) []byte {
	var b bytes.Buffer
	header(&b, panelHeight)
	panel(&b, 0, "Equity on the test span: "+name, "bar", []line{
		{"agent", "#1f77b4", r.Equity},
		{"buy & hold", "#ff7f0e", r.BuyHoldEquity},
	})
	b.WriteString("</svg>\n")
	return b.Bytes()
}

// trainingSVG draws the mean loss and the return of each episode. An
// episode without training steps, such as one spent in the warm-up, has no
// loss point, because its MeanLoss of 0 is not a measured loss.
func trainingSVG(h []dqn.EpisodeStats) []byte {
	loss := make([]float64, len(h))
	ret := make([]float64, len(h))
	testRet := make([]float64, len(h))
	var trainSteps int64 // cumulative training steps before episode i
	for i, e := range h {
		loss[i], ret[i], testRet[i] = e.MeanLoss, e.Return, math.NaN()
		if e.TrainSteps == trainSteps {
			loss[i] = math.NaN()
		}
		trainSteps = e.TrainSteps
		if e.Test != nil {
			testRet[i] = math.Log1p(e.Test.TotalReturn)
		}
	}
	var b bytes.Buffer
	header(&b, 2*panelHeight)
	panel(&b, 0, "Mean training loss per episode", "episode", []line{{"loss", "#d62728", loss}})
	panel(&b, panelHeight, "Log return per episode", "episode", []line{
		{"training (mean over environments)", "#2ca02c", ret},
		{"greedy on the test span", "#9467bd", testRet},
	})
	b.WriteString("</svg>\n")
	return b.Bytes()
}

func header(b *bytes.Buffer, height int) {
	fmt.Fprintf(b, `<?xml version="1.0" encoding="UTF-8"?>`+"\n")
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n",
		chartWidth, height, chartWidth, height)
	fmt.Fprintf(b, `<rect width="%d" height="%d" fill="white"/>`+"\n", chartWidth, height)
}

// panel draws lines against their index in a panel whose top is at y0.
func panel(b *bytes.Buffer, y0 int, title, xLabel string, lines []line) {
	lo, hi, n := math.Inf(1), math.Inf(-1), 0
	for _, l := range lines {
		n = max(n, len(l.ys))
		for _, y := range l.ys {
			if !math.IsNaN(y) && !math.IsInf(y, 0) {
				lo, hi = min(lo, y), max(hi, y)
			}
		}
	}
	if lo > hi {
		lo, hi = 0, 1
	}
	if hi-lo < 1e-12 {
		lo, hi = lo-0.5, hi+0.5
	}
	left, right := float64(marginLeft), float64(chartWidth-marginRight)
	top, bottom := float64(y0+marginTop), float64(y0+panelHeight-marginBot)
	px := func(i int) float64 {
		if n <= 1 {
			return (left + right) / 2
		}
		return left + (right-left)*float64(i)/float64(n-1)
	}
	py := func(y float64) float64 { return bottom - (bottom-top)*(y-lo)/(hi-lo) }

	text(b, left, float64(y0+20), "start", title, 14)
	fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="none" stroke="#888"/>`+"\n", left, top, right-left, bottom-top)
	for k := range 5 {
		y := lo + (hi-lo)*float64(k)/4
		fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#eee"/>`+"\n", left, py(y), right, py(y))
		text(b, left-6, py(y)+4, "end", fmt.Sprintf("%.4g", y), 11)
	}
	text(b, left, bottom+16, "start", "1", 11)
	text(b, right, bottom+16, "end", fmt.Sprint(n), 11)
	text(b, (left+right)/2, bottom+30, "middle", xLabel, 12)
	for i, l := range lines {
		b.WriteString(`<polyline fill="none" stroke-width="1.5" stroke="` + l.color + `" points="`)
		for j, y := range l.ys {
			if math.IsNaN(y) || math.IsInf(y, 0) {
				continue
			}
			fmt.Fprintf(b, "%.1f,%.1f ", px(j), py(y))
		}
		b.WriteString("\"/>\n")
		lx := right - 250
		ly := top + 16 + 16*float64(i)
		fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="3"/>`+"\n", lx, ly-4, lx+20, ly-4, l.color)
		text(b, lx+26, ly, "start", l.name, 12)
	}
}

func text(b *bytes.Buffer, x, y float64, anchor, s string, size int) {
	fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="%s" font-size="%d">`, x, y, anchor, size)
	_ = xml.EscapeText(b, []byte(s))
	b.WriteString("</text>\n")
}
