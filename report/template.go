package report

import "html/template"

// pageTemplate is the report page: XHTML-compatible markup (every element
// closed) with an inline style sheet and no reference to any other file.
var pageTemplate = template.Must(template.New("page").Funcs(template.FuncMap{"inc": func(i int) int { return i + 1 }}).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<meta name="generator" content="intdim {{.Version}}"/>
<title>{{.Title}}</title>
<style>
body { font-family: 'Liberation Sans', Arial, Helvetica, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.4; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #ddd; }
h3 { font-size: 1.05em; }
.meta { color: #666; font-size: 0.9em; }
figure { margin: 1.5em 0; }
figure svg { max-width: 100%; height: auto; }
figcaption { font-size: 0.9em; color: #444; max-width: 60em; }
table { border-collapse: collapse; margin: 0.8em 0 1.5em; font-size: 0.9em; }
caption { text-align: left; font-weight: bold; padding-bottom: 0.3em; }
th, td { border-bottom: 1px solid #e4e4e4; padding: 0.25em 0.7em; text-align: right; }
th { background: #f4f4f4; }
td:first-child, th:first-child { text-align: left; }
table.settings td { text-align: left; }
.warnings { color: #8a4b00; }
pre { background: #f7f7f7; padding: 0.8em; overflow-x: auto; font-size: 0.8em; }
</style>
</head>
<body>
<h1>{{.Title}}</h1>
<p class="meta">intdim {{.Version}}{{if .Time}} · {{.Time}}{{end}} · intrinsic dimension after Ansuini et al., NeurIPS 2019 (TwoNN: Facco et al. 2017)</p>
{{range $i, $f := .Figures}}<figure id="figure-{{inc $i}}" class="{{$f.Kind}}">
{{$f.SVG}}
<figcaption>Figure {{inc $i}}. {{$f.Caption}}</figcaption>
</figure>
{{end}}{{range .Sections}}<section>
<h2>{{.Name}} <small>({{.Kind}})</small></h2>
{{if .Settings}}<table class="settings">
<caption>Settings</caption>
<tbody>
{{range .Settings}}<tr><td>{{index . 0}}</td><td>{{index . 1}}</td></tr>
{{end}}</tbody>
</table>
{{end}}{{range .Tables}}<table>
<caption>{{.Caption}}</caption>
<thead><tr>{{range .Head}}<th>{{.}}</th>{{end}}</tr></thead>
<tbody>
{{range .Rows}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>
{{end}}</tbody>
</table>
{{end}}{{if .Warnings}}<h3>Warnings</h3>
<ul class="warnings">
{{range .Warnings}}<li>{{.}}</li>
{{end}}</ul>
{{end}}<details>
<summary>JSON</summary>
<pre>{{.JSON}}</pre>
</details>
</section>
{{end}}</body>
</html>
`))
