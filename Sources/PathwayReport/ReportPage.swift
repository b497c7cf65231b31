import PathwayModel
import PathwayExport
/// The page around the report's sections: head with the style sheet and security policy, a
/// table of contents, and the one small script that sorts tables.
enum ReportPage {
    /// A whole HTML document. `sections` are (id, heading, HTML) in page order; `script` tells
    /// whether to include the table-sorting script.
    static func document(title: String, subtitle: String, sections: [(id: String, heading: String, html: String)],
                         script: Bool) -> String {
        // Nothing may load from outside the file; the only script allowed is ours, by its hash,
        // so an injected <script> or on* attribute would not run even if escaping failed.
        // Styles likewise: only our style sheet, by its hash, and no style attributes at all.
        var policy = "default-src 'none'; style-src '\(styleHash)'; img-src data:; base-uri 'none'; form-action 'none'"
        policy += script ? "; script-src '\(scriptHash)'" : "; script-src 'none'"
        var out = "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n"
        out += "<meta http-equiv=\"Content-Security-Policy\" content=\"\(policy)\">\n"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        out += "<meta name=\"generator\" content=\"carepath report\">\n"
        out += "<title>\(HTMLText.escape(title))</title>\n<style>\(style)</style>\n</head>\n<body>\n"
        out += "<a class=\"skip\" href=\"#main\">Skip to the report</a>\n"
        out += "<header>\n<h1>\(HTMLText.escape(title))</h1>\n<p class=\"muted\">\(HTMLText.escape(subtitle))</p>\n"
        out += "<nav aria-label=\"Contents\"><ul>"
        for s in sections { out += "<li><a href=\"#\(s.id)\">\(HTMLText.escape(s.heading))</a></li>" }
        out += "</ul></nav>\n</header>\n<main id=\"main\">\n"
        for s in sections {
            out += "<section id=\"\(s.id)\" aria-labelledby=\"\(s.id)-heading\">\n"
            out += "<h2 id=\"\(s.id)-heading\">\(HTMLText.escape(s.heading))</h2>\n\(s.html)</section>\n"
        }
        out += "</main>\n<footer><p class=\"muted\">Made by carepath report. Figures from simulation are estimates "
            + "from synthetic patients, not audit data.</p></footer>\n"
        if script { out += "<script>\(sortScript)</script>\n" }
        out += "</body>\n</html>\n"
        return out
    }

    /// The CSP source allowing the style sheet.
    static var styleHash: String { "sha256-" + SHA256.base64Digest(style) }

    /// The CSP source allowing `sortScript`.
    static var scriptHash: String { "sha256-" + SHA256.base64Digest(sortScript) }

    /// Makes every `table.sortable` sortable by clicking a column heading (numbers by their
    /// `data-sort` value when present); `aria-sort` tells screen readers the order.
    static let sortScript = """
    (function(){document.querySelectorAll('table.sortable').forEach(function(t){var hs=t.tHead?t.tHead.rows[0].cells:[];\
    Array.prototype.forEach.call(hs,function(th,i){var b=document.createElement('button');b.type='button';\
    b.textContent=th.textContent;th.textContent='';th.appendChild(b);b.addEventListener('click',function(){\
    var asc=th.getAttribute('aria-sort')!=='ascending';Array.prototype.forEach.call(hs,function(o){o.removeAttribute('aria-sort');});\
    th.setAttribute('aria-sort',asc?'ascending':'descending');var body=t.tBodies[0];var rows=Array.prototype.slice.call(body.rows);\
    function key(r){var c=r.cells[i];if(!c)return '';var d=c.getAttribute('data-sort');return d!==null?d:c.textContent.trim();}\
    rows.sort(function(a,b){var p=key(a),q=key(b),x=parseFloat(p),y=parseFloat(q);\
    var c=(!isNaN(x)&&!isNaN(y)&&String(x)===p&&String(y)===q)?x-y:p.localeCompare(q);return asc?c:-c;});\
    rows.forEach(function(r){body.appendChild(r);});});});});})();
    """

    static let style = """
    :root{--ink:#1b1b1b;--muted:#4a4a4a;--line:#b8b8b8;--accent:#004c99;--good:#1f5f99;--bad:#b34700;--paper:#ffffff;--soft:#f3f5f7}
    *{box-sizing:border-box}
    body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:var(--ink);background:var(--paper)}
    header,main,footer{max-width:1200px;margin:0 auto;padding:0 20px}
    header{border-bottom:3px solid var(--accent);padding-top:12px}
    h1{font-size:1.7em;margin:.3em 0 .1em}
    h2{font-size:1.4em;border-bottom:1px solid var(--line);padding-bottom:.2em;margin-top:1.6em}
    h3{font-size:1.2em;margin-top:1.4em}
    h4{font-size:1.05em;margin:1.2em 0 .4em}
    a{color:var(--accent)}
    .muted{color:var(--muted)}
    .skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#fff;padding:4px;z-index:9}
    nav ul{list-style:none;padding:0;margin:.4em 0 .8em;display:flex;gap:1.2em;flex-wrap:wrap}
    table{border-collapse:collapse;margin:.4em 0 1em;font-size:.9em;width:100%}
    caption{text-align:left;font-weight:600;padding:.3em 0;caption-side:top}
    th,td{border:1px solid var(--line);padding:4px 6px;text-align:left;vertical-align:top}
    thead th{background:#e4e9ef}
    tbody th{background:var(--soft);font-weight:600}
    td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
    th button{font:inherit;font-weight:600;background:none;border:0;padding:0;color:inherit;cursor:pointer;text-align:left}
    th button::after{content:" \\2195";color:var(--muted)}
    th[aria-sort=ascending] button::after{content:" \\2191"}
    th[aria-sort=descending] button::after{content:" \\2193"}
    dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:.5em 0}
    dl.facts dt{font-weight:600}dl.facts dd{margin:0}
    figure{margin:1em 0}
    figcaption{color:var(--muted);font-size:.9em;margin-top:.3em}
    .diagram{overflow-x:auto;border:1px solid var(--line);padding:6px;background:#fff}
    .diagram svg{max-width:100%;height:auto}
    svg.chart{max-width:100%;height:auto;display:block}
    svg.chart text{font:12px system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;fill:#1b1b1b}
    .notice{border-left:4px solid var(--bad);background:#fff4ec;padding:8px 12px}
    .tag{display:inline-block;border:1px solid currentColor;border-radius:3px;padding:0 4px;font-size:.85em;font-weight:600;white-space:nowrap}
    .tag.added{color:#0b5d1e;background:#e3f4e6}.tag.removed{color:#8a1c1c;background:#fbe6e6}.tag.changed{color:#6b4a00;background:#fff1c7}
    .meets{color:var(--good);font-weight:600}.misses{color:var(--bad);font-weight:600}
    .legend{display:flex;flex-wrap:wrap;gap:.4em 1.2em;font-size:.9em;margin:.4em 0;padding:0;list-style:none}
    .swatch{display:inline-block;width:1.1em;height:1.1em;border:1px solid #555;vertical-align:-.2em;margin-right:.3em}
    .sw-added{background:#e3f4e6;border:3px solid #0b5d1e}.sw-changed{background:#fff1c7;border:3px solid #6b4a00}
    .sw-removed{background:#fbe6e6;border:2px dashed #8a1c1c}
    td.heat{text-align:center;font-size:.85em}
    .h0{background:#ffffff}.h1{background:#fff1c7}.h2{background:#ffd98a}.h3{background:#f6a04d}.h4{background:#b34700;color:#fff}
    .hmiss{background:#8a1c1c;color:#fff}.hadd{background:#e3f4e6}.habs{background:#f3f3f3;color:#4a4a4a}
    .score{font-size:1.3em;font-weight:700}
    td.heat.num{text-align:right;font-size:1.1em}
    article{margin-bottom:2em}
    footer{border-top:1px solid var(--line);margin-top:2em;padding-bottom:2em}
    @media print{
      @page{size:A4;margin:14mm 12mm}
      body{font-size:10pt;color:#000}
      header,main,footer{max-width:none;padding:0}
      nav,.skip{display:none}
      a{color:#000}
      a[href^="http"]::after{content:" (" attr(href) ")";font-size:.8em;word-break:break-all}
      section{break-before:page}
      section:first-of-type{break-before:auto}
      h2,h3,h4{break-after:avoid}
      figure,svg,tr{break-inside:avoid}
      .diagram{overflow:visible;border:0}
      .diagram svg{max-height:235mm;width:auto;max-width:100%}
      table{font-size:8.5pt}
      th button::after{content:""}
    }

    """
}
