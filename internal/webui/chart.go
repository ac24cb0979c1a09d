package webui

import (
	"fmt"
	"html/template"
	"strings"

	"github.com/orgdir/orgdir/internal/directory"
)

// The sign-in chart: one stacked bar per hour, successes below failures,
// drawn here as SVG so that the page needs no script. Every number in it
// comes from the counts; no text from a user reaches it.

const (
	chartWidth  = 840 // 168 hours × 5 px
	chartHeight = 160
	chartTop    = 12 // room for the scale's label
	chartBottom = 22 // room for the day labels
	chartLeft   = 36 // room for the scale
)

// signInChart renders hours (oldest first) as an SVG image with a title,
// a text summary for screen readers, and the day boundaries marked.
func signInChart(hours []directory.SignInHour) template.HTML {
	peak, ok, failed := 1, 0, 0
	for _, h := range hours {
		peak = max(peak, h.Succeeded+h.Failed)
		ok += h.Succeeded
		failed += h.Failed
	}
	plot := chartHeight - chartTop - chartBottom
	barW := 1
	if len(hours) > 0 {
		barW = max(1, (chartWidth-chartLeft)/len(hours))
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-labelledby="chart-title chart-desc" xmlns="http://www.w3.org/2000/svg">`, chartWidth, chartHeight)
	b.WriteString(`<title id="chart-title">Sign-ins per hour, last 7 days (UTC)</title>`)
	fmt.Fprintf(&b, `<desc id="chart-desc">%d successful and %d failed sign-ins in the last 7 days; at most %d in one hour.</desc>`, ok, failed, peak)
	base := chartTop + plot
	fmt.Fprintf(&b, `<line class="axis" x1="%d" y1="%d" x2="%d" y2="%d"/>`, chartLeft, base, chartWidth, base)
	fmt.Fprintf(&b, `<text class="scale" x="%d" y="%d" text-anchor="end">%d</text>`, chartLeft-4, chartTop+4, peak)
	fmt.Fprintf(&b, `<text class="scale" x="%d" y="%d" text-anchor="end">0</text>`, chartLeft-4, base)
	for i, h := range hours {
		x := chartLeft + i*barW
		if h.Hour.Hour() == 0 {
			fmt.Fprintf(&b, `<line class="day" x1="%d" y1="%d" x2="%d" y2="%d"/>`, x, chartTop, x, base)
			fmt.Fprintf(&b, `<text class="scale" x="%d" y="%d">%s</text>`, x+2, chartHeight-6, h.Hour.Format("Mon 2 Jan"))
		}
		okH := h.Succeeded * plot / peak
		badH := h.Failed * plot / peak
		if h.Succeeded > 0 {
			okH = max(okH, 1) // one sign-in is still seen
			fmt.Fprintf(&b, `<rect class="ok" x="%d" y="%d" width="%d" height="%d"><title>%s: %d successful</title></rect>`,
				x, base-okH, barW, okH, h.Hour.Format("2006-01-02 15:00"), h.Succeeded)
		}
		if h.Failed > 0 {
			badH = max(badH, 1)
			fmt.Fprintf(&b, `<rect class="bad" x="%d" y="%d" width="%d" height="%d"><title>%s: %d failed</title></rect>`,
				x, base-okH-badH, barW, badH, h.Hour.Format("2006-01-02 15:00"), h.Failed)
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // built above from numbers and fixed text only
}
