package plot

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/intdim/intdim/internal/atomicfile"
	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// DPI is the resolution of PNG output.
const DPI = 200

// Figure is one or more panels side by side with one shared legend on the
// right. Build it with the constructors of this package (Profile, Scale,
// Fit, Spectrum, Accuracy, Linearized) or FromJSON, then render it.
type Figure struct {
	Kind   string        // what the figure shows, e.g. "profile"
	Panels []*gplot.Plot // left to right
	Width  vg.Length     // total size; 0 means 6.5 in per panel by 4 in
	Height vg.Length
	// Notes says in words what the drawn values show (computed from them,
	// e.g. where each profile peaks), for captions.
	Notes string

	legend  gplot.Legend
	entries []string
}

func newFigure(kind string, panels ...*gplot.Plot) *Figure {
	f := &Figure{Kind: kind, Panels: panels}
	f.legend = gplot.NewLegend()
	f.legend.TextStyle.Font = font.From(sans, legendSize)
	f.legend.Top = true
	f.legend.Left = true
	f.legend.ThumbnailWidth = vg.Points(22)
	f.legend.Padding = vg.Points(2)
	return f
}

// addLegend adds a legend entry.
func (f *Figure) addLegend(name string, thumbs ...gplot.Thumbnailer) {
	f.legend.Add(name, thumbs...)
	f.entries = append(f.entries, name)
}

// Legend returns the legend entries in order.
func (f *Figure) Legend() []string { return append([]string(nil), f.entries...) }

// Size returns the size the figure renders at.
func (f *Figure) Size() (w, h vg.Length) {
	w, h = f.Width, f.Height
	if w == 0 {
		w = vg.Length(len(f.Panels)) * 5 * vg.Inch
		if len(f.entries) > 0 {
			r := f.legend.Rectangle(draw.Canvas{})
			w += max(1.5*vg.Inch, r.Max.X-r.Min.X+vg.Points(20))
		}
	}
	if h == 0 {
		h = 3.8 * vg.Inch
	}
	return w, h
}

// Draw draws the figure onto c.
func (f *Figure) Draw(c draw.Canvas) {
	c.SetColor(white)
	c.Fill(c.Rectangle.Path())
	area := c
	if len(f.entries) > 0 {
		r := f.legend.Rectangle(c)
		lw := r.Max.X - r.Min.X + vg.Points(14)
		lc := draw.Crop(c, c.Size().X-lw+vg.Points(6), 0, 0, vg.Points(-30))
		f.legend.Draw(lc)
		area = draw.Crop(c, 0, -lw, 0, 0)
	}
	t := draw.Tiles{
		Rows: 1, Cols: len(f.Panels),
		PadX: vg.Points(18), PadTop: vg.Points(4), PadBottom: vg.Points(4),
		PadLeft: vg.Points(4), PadRight: vg.Points(4),
	}
	cs := gplot.Align([][]*gplot.Plot{f.Panels}, t, area)
	for i, p := range f.Panels {
		p.Draw(cs[0][i])
	}
}

// WriteSVG writes the figure as an SVG document. Text stays text (font
// family Liberation Sans, metric-compatible with Arial and Helvetica), so
// labels can be searched and edited.
func (f *Figure) WriteSVG(w io.Writer) error {
	fw, fh := f.Size()
	c := vgsvg.New(fw, fh)
	f.Draw(draw.New(c))
	_, err := c.WriteTo(w)
	return err
}

// WritePNG writes the figure as a PNG image at dpi dots per inch (DPI when
// dpi ≤ 0).
func (f *Figure) WritePNG(w io.Writer, dpi int) error {
	if dpi <= 0 {
		dpi = DPI
	}
	fw, fh := f.Size()
	c := vgimg.NewWith(vgimg.UseWH(fw, fh), vgimg.UseDPI(dpi))
	f.Draw(draw.New(c))
	_, err := vgimg.PngCanvas{Canvas: c}.WriteTo(w)
	return err
}

// Encode writes the figure in format "svg" or "png".
func (f *Figure) Encode(w io.Writer, format string) error {
	switch strings.ToLower(format) {
	case "svg":
		return f.WriteSVG(w)
	case "png":
		return f.WritePNG(w, DPI)
	}
	return fmt.Errorf("plot: unknown image format %q (want svg or png)", format)
}

// Format returns the image format named by the extension of path ("svg" or
// "png") or an error.
func Format(path string) (string, error) {
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".svg", ".png":
		return ext[1:], nil
	}
	return "", fmt.Errorf("%s: unknown image type (want .png or .svg)", path)
}

// Save writes the figure to path, as SVG or PNG by its extension, atomically:
// on error no file is left behind.
func (f *Figure) Save(path string) error {
	format, err := Format(path)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := f.Encode(&buf, format); err != nil {
		return err
	}
	return atomicfile.Write(path, buf.Bytes())
}

func fmtG(v float64) string { return strconv.FormatFloat(v, 'g', 4, 64) }

// trimExp formats v as 1e+06 → "1e6".
func trimExp(v float64) string {
	s := strconv.FormatFloat(v, 'g', 3, 64)
	s = strings.Replace(s, "e+0", "e", 1)
	s = strings.Replace(s, "e+", "e", 1)
	s = strings.Replace(s, "e-0", "e-", 1)
	return s
}
