package web

import (
	"bytes"
	"context"
	"math"
	"strings"
	"testing"
)

func chartInput(values [][]int) ChartInput {
	in := ChartInput{ID: "t", Title: "Referrals per week", Desc: "d", XLabel: "Week starting", YLabel: "Referrals", Empty: "None",
		Series: []ChartSeries{{"Pending", "#E69F00"}, {"Accepted", "#56B4E9"}, {"Declined", "#D55E00"}}}
	for i := range values {
		in.Categories = append(in.Categories, itoa64(int64(10+i))+"/11")
	}
	in.Values = values
	return in
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestChartBarsAreProportionalAndEmptyWeeksZero(t *testing.T) {
	values := [][]int{{0, 0, 0}, {2, 1, 0}, {0, 0, 0}, {6, 0, 3}, {1, 0, 0}}
	c := ChartLayout(chartInput(values))
	if len(c.Bars) != len(values) {
		t.Fatalf("%d bars, want %d", len(c.Bars), len(values))
	}
	if c.Max < 9 || c.Ticks[0].Label != "0" || c.Ticks[len(c.Ticks)-1].Label != itoa64(int64(c.Max)) {
		t.Errorf("scale up to %d with ticks %+v; want it to reach the tallest bar (9) from 0", c.Max, c.Ticks)
	}
	unit := (c.Base - c.Top) / float64(c.Max) // height of one referral
	for i, b := range c.Bars {
		if b.Total != sum(values[i]) {
			t.Errorf("bar %d total %d, want %d", i, b.Total, sum(values[i]))
		}
		var parts []int
		for _, v := range values[i] {
			if v > 0 {
				parts = append(parts, v)
			}
		}
		if len(b.Segments) != len(parts) {
			t.Fatalf("bar %d has %d segments for %v", i, len(b.Segments), values[i])
		}
		bottom := c.Base
		for j, s := range b.Segments {
			if !near(s.Height, float64(parts[j])*unit) {
				t.Errorf("bar %d segment %d is %.2f high for %d, want %.2f", i, j, s.Height, parts[j], float64(parts[j])*unit)
			}
			if !near(s.Y+s.Height, bottom) {
				t.Errorf("bar %d segment %d does not sit on the one below", i, j)
			}
			bottom = s.Y
		}
		if b.Total == 0 && len(b.Segments) != 0 {
			t.Errorf("empty bar %d has segments", i)
		}
		if i > 0 && !near(b.X-c.Bars[i-1].X, c.Bars[1].X-c.Bars[0].X) {
			t.Errorf("bar %d is not evenly spaced", i)
		}
		if b.X < c.Left || b.X+b.Width > c.Right {
			t.Errorf("bar %d at %.1f–%.1f leaves the plot %.1f–%.1f", i, b.X, b.X+b.Width, c.Left, c.Right)
		}
	}
	// The tallest bar is three times the 3-referral bar.
	if h3, h9 := c.Base-c.Bars[1].Segments[len(c.Bars[1].Segments)-1].Y, c.Base-c.Bars[3].Segments[len(c.Bars[3].Segments)-1].Y; !near(h9, 3*h3) {
		t.Errorf("heights %.2f and %.2f are not in proportion 9:3", h9, h3)
	}
	if c.Empty.Text != "" {
		t.Error("a chart with figures says it is empty")
	}
}

func TestChartWithNoFiguresHasAScaleAndSaysSo(t *testing.T) {
	c := ChartLayout(chartInput(make([][]int, 12)))
	if c.Max < 1 || len(c.Ticks) < 2 {
		t.Errorf("empty chart: max %d, ticks %+v", c.Max, c.Ticks)
	}
	for i, b := range c.Bars {
		if len(b.Segments) != 0 || b.Total != 0 {
			t.Errorf("empty week %d has a bar", i)
		}
	}
	if c.Empty.Text != "None" {
		t.Error("an empty chart does not say so")
	}
	// Twelve labels do not fit side by side on a phone: every other shows,
	// the last (this week) always.
	if !c.Bars[11].ShowLabel || c.Bars[10].ShowLabel == c.Bars[11].ShowLabel {
		t.Errorf("labels shown: last %v, one before %v", c.Bars[11].ShowLabel, c.Bars[10].ShowLabel)
	}
}

func TestChartLegendWrapsInsideTheWidth(t *testing.T) {
	in := chartInput([][]int{{1, 2, 3}})
	in.Series = append(in.Series, ChartSeries{"ការធ្វើមាតុភូមិនិវត្តន៍ និងការថែទាំក្រោយការជួយសង្គ្រោះ", "#999"}, ChartSeries{"ตอบรับแล้ว", "#009E73"})
	c := ChartLayout(in)
	rows := map[float64]int{}
	for _, l := range c.Legend {
		rows[l.Y]++
		if l.Y+10 > c.Height {
			t.Errorf("legend entry %q is below the chart's height", l.Label.Text)
		}
	}
	for _, l := range c.Legend {
		// An entry too long for any row stands alone on its own.
		if end := l.Label.X + textWidth(l.Label.Text, c.FontSize); l.X < 0 || (end > c.Width && rows[l.Y] > 1) {
			t.Errorf("legend entry %q runs from %.0f to %.0f, past the width %.0f", l.Label.Text, l.X, end, c.Width)
		}
	}
	if len(rows) < 2 {
		t.Error("a long legend does not wrap")
	}
}

func TestBarChartRendersAccessibleSVG(t *testing.T) {
	var buf bytes.Buffer
	if err := BarChart(ChartLayout(chartInput([][]int{{1, 0, 2}, {0, 0, 0}}))).Render(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	svg := buf.String()
	for _, want := range []string{`viewBox="0 0 320 `, `width="100%"`, `role="img"`, `aria-labelledby="t-title t-desc"`,
		`<title id="t-title">Referrals per week</title>`, `<desc id="t-desc">d</desc>`, "Pending", "Week starting", "Referrals"} {
		if !strings.Contains(svg, want) {
			t.Errorf("the SVG lacks %s", want)
		}
	}
	if strings.Contains(svg, "<script") || strings.Contains(svg, "style=") {
		t.Error("the SVG has a script or an inline style, which the Content-Security-Policy forbids")
	}
}
