package web

import (
	"math"
	"strconv"
	"unicode"
)

// A stacked bar chart drawn by the server as SVG: no script, no library,
// and the same picture on screen and on paper. ChartLayout works out every
// coordinate from the figures; the component in chart.templ only draws.

// ChartSeries is one part of every bar, such as a state.
type ChartSeries struct {
	Label string // already translated
	Color string
}

// ChartInput is what a chart shows, every text already translated.
type ChartInput struct {
	ID          string // unique on the page, for the title and description ids
	Title, Desc string
	XLabel      string   // the axis title under the bars
	YLabel      string   // the axis title over the scale
	Categories  []string // one label per bar
	Series      []ChartSeries
	Values      [][]int // Values[bar][series]
	Empty       string  // shown inside the plot when every value is zero
}

// Chart is a laid-out chart in the coordinates of its viewBox.
type Chart struct {
	ID, Title, Desc         string
	Width, Height           float64
	Left, Right, Top, Base  float64 // the plot area: Base is the zero line
	Max                     int     // the value at the top of the scale
	Ticks                   []ChartTick
	Bars                    []ChartBar
	XLabel, YLabel, Empty   ChartText
	Legend                  []ChartLegendEntry
	FontSize, SmallFontSize float64
}

// ChartTick is one line of the scale.
type ChartTick struct {
	Y     float64
	Label string
}

// ChartBar is one stacked bar.
type ChartBar struct {
	X, Width  float64
	Total     int
	TotalY    float64 // where the total stands above the bar
	Label     ChartText
	ShowLabel bool // false when the labels would overlap: every other one shows
	Segments  []ChartSegment
}

// ChartSegment is one series' part of a bar, from Y down Height units.
type ChartSegment struct {
	Y, Height float64
	Color     string
	Title     string // for the tooltip: series and count
}

// ChartText is a text and where it stands.
type ChartText struct {
	X, Y float64
	Text string
}

// ChartLegendEntry is one series' swatch and label.
type ChartLegendEntry struct {
	X, Y  float64 // the swatch's top left
	Color string
	Label ChartText
}

// The chart's geometry: 320 units wide, about the room a card leaves on a
// 360 px phone, so that its text is read at nearly its size there and
// grows with wider screens.
const (
	chartWidth      = 320.0
	chartFont       = 12.0
	chartSmallFont  = 11.0
	chartPlotHeight = 150.0
	chartTop        = 26.0 // room for the scale's title
	chartLeft       = 30.0 // room for the scale's numbers
	chartRight      = 6.0
	chartSwatch     = 10.0
	chartLegendRow  = 18.0
)

// ChartLayout lays out a stacked bar chart: bars of equal width, each part
// as tall as its share of the scale, a scale of whole numbers that reaches
// past the tallest bar, and the legend wrapped in rows under the axis.
func ChartLayout(in ChartInput) Chart {
	c := Chart{ID: in.ID, Title: in.Title, Desc: in.Desc, Width: chartWidth, FontSize: chartFont, SmallFontSize: chartSmallFont,
		Left: chartLeft, Right: chartWidth - chartRight, Top: chartTop, Base: chartTop + chartPlotHeight}
	highest := 0
	for _, vs := range in.Values {
		if t := sum(vs); t > highest {
			highest = t
		}
	}
	step := niceStep(highest)
	c.Max = max(step, (highest+step-1)/step*step)
	for v := 0; v <= c.Max; v += step {
		c.Ticks = append(c.Ticks, ChartTick{Y: c.y(v), Label: strconv.Itoa(v)})
	}

	n := len(in.Categories)
	slot := (c.Right - c.Left) / float64(max(n, 1))
	barWidth := slot * 0.7
	// Show every label when they fit side by side, else every other (or
	// every third…), always keeping the last, the current one.
	every := 1
	for _, l := range in.Categories {
		every = max(every, int(math.Ceil((textWidth(l, chartSmallFont)+4)/slot)))
	}
	for i, label := range in.Categories {
		var vs []int
		if i < len(in.Values) {
			vs = in.Values[i]
		}
		b := ChartBar{X: c.Left + float64(i)*slot + (slot-barWidth)/2, Width: barWidth, Total: sum(vs),
			ShowLabel: (n-1-i)%every == 0}
		b.Label = ChartText{X: b.X + barWidth/2, Y: c.Base + chartSmallFont + 4, Text: label}
		top := c.Base
		for j, v := range vs {
			if v <= 0 || j >= len(in.Series) {
				continue
			}
			h := float64(v) / float64(c.Max) * chartPlotHeight
			top -= h
			b.Segments = append(b.Segments, ChartSegment{Y: top, Height: h, Color: in.Series[j].Color,
				Title: label + " · " + in.Series[j].Label + ": " + strconv.Itoa(v)})
		}
		b.TotalY = top - 3
		c.Bars = append(c.Bars, b)
	}

	c.YLabel = ChartText{X: 0, Y: chartFont + 2, Text: in.YLabel}
	c.XLabel = ChartText{X: (c.Left + c.Right) / 2, Y: c.Base + chartSmallFont + chartFont + 12, Text: in.XLabel}
	if highest == 0 && in.Empty != "" {
		c.Empty = ChartText{X: (c.Left + c.Right) / 2, Y: c.Top + chartPlotHeight/2, Text: in.Empty}
	}

	// The legend flows left to right and wraps like text.
	x, y := 0.0, c.XLabel.Y+10
	for _, s := range in.Series {
		w := chartSwatch + 4 + textWidth(s.Label, chartFont)
		if x > 0 && x+w > chartWidth {
			x, y = 0, y+chartLegendRow
		}
		c.Legend = append(c.Legend, ChartLegendEntry{X: x, Y: y, Color: s.Color,
			Label: ChartText{X: x + chartSwatch + 4, Y: y + chartSwatch - 1, Text: s.Label}})
		x += w + 14
	}
	c.Height = y + chartLegendRow
	if len(in.Series) == 0 {
		c.Height = c.XLabel.Y + 8
	}
	return c
}

// y is where value v stands on the scale.
func (c Chart) y(v int) float64 {
	return c.Base - float64(v)/float64(c.Max)*chartPlotHeight
}

// ViewBox is the chart's SVG viewBox attribute.
func (c Chart) ViewBox() string { return "0 0 " + num(c.Width) + " " + num(c.Height) }

// niceStep is the step of a scale that reaches highest in about four steps
// of 1, 2 or 5 times a power of ten.
func niceStep(highest int) int {
	raw := float64(highest) / 4
	for p := 1; ; p *= 10 {
		for _, m := range []int{1, 2, 5} {
			if float64(m*p) >= raw {
				return m * p
			}
		}
	}
}

// textWidth guesses how wide s is at size: there is no font to measure on
// the server, so it errs wide. Marks that sit on another letter (Thai
// vowels above and below, Khmer subscripts) take no room of their own.
func textWidth(s string, size float64) float64 {
	w := 0.0
	for _, r := range s {
		switch {
		case unicode.In(r, unicode.Mn, unicode.Me) || r == '\u17D2':
		case r < 0x80:
			w += 0.6 * size
		default:
			w += 0.8 * size
		}
	}
	return w
}

func sum(vs []int) int {
	n := 0
	for _, v := range vs {
		n += v
	}
	return n
}

// num writes a coordinate with at most two decimals.
func num(f float64) string { return strconv.FormatFloat(math.Round(f*100)/100, 'f', -1, 64) }
