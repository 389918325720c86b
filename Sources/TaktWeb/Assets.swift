/// The stylesheet and the script, served from the binary (no CDN, no build step).
enum Assets {
    static let css = #"""
        :root {
          --bg: #f4f5f7; --panel: #fff; --ink: #1c2430; --muted: #5b6675; --line: #d9dde3; --accent: #1f5fbf;
          --ok: #1d7a46; --warn: #b26a00; --bad: #b42318; --late: #d92d20; --risk: #f79009;
          --radius: 6px; font-size: 16px;
        }
        * { box-sizing: border-box; }
        body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; background: var(--bg); color: var(--ink); line-height: 1.4; }
        a { color: var(--accent); }
        a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, textarea:focus-visible { outline: 3px solid #7aa7ff; outline-offset: 2px; }
        header.top { display: flex; align-items: center; gap: 1rem; background: #16202e; color: #fff; padding: .5rem 1rem; flex-wrap: wrap; }
        header.top .brand { color: #fff; font-weight: 700; font-size: 1.25rem; text-decoration: none; letter-spacing: .04em; }
        header.top nav { display: flex; gap: .25rem; flex-wrap: wrap; flex: 1; }
        header.top nav a { color: #c9d3e1; text-decoration: none; padding: .45rem .7rem; border-radius: var(--radius); }
        header.top nav a:hover { background: #223149; color: #fff; }
        header.top nav a[aria-current=page] { background: #2d4266; color: #fff; }
        header.top .who { display: flex; align-items: center; gap: .6rem; font-size: .9rem; }
        header.top .who small { color: #9fb0c6; }
        header.top button.link { color: #c9d3e1; }
        .live { color: #6b7a90; font-size: .8rem; }
        .live.on { color: #3ccf7a; }
        main { padding: 1rem 1.25rem 3rem; max-width: 1500px; margin: 0 auto; }
        h1 { font-size: 1.5rem; margin: .25rem 0 1rem; }
        h2 { font-size: 1.15rem; margin: 1.5rem 0 .5rem; }
        h3 { font-size: 1rem; margin: 1rem 0 .4rem; }
        .panel { background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius); padding: .8rem 1rem; margin-bottom: 1rem; }
        .grid { display: grid; gap: 1rem; grid-template-columns: repeat(auto-fit, minmax(340px, 1fr)); }
        .figures { display: grid; gap: .75rem; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); margin-bottom: 1rem; }
        .figure { display: flex; flex-direction: column; background: var(--panel); border: 1px solid var(--line); border-left: 5px solid var(--accent); border-radius: var(--radius); padding: .6rem .8rem; text-decoration: none; color: var(--ink); }
        .figure:hover { border-color: var(--accent); }
        .figure .value { font-size: 1.9rem; font-weight: 700; }
        .figure .label { color: var(--muted); font-size: .9rem; }
        .figure .note { color: var(--muted); font-size: .8rem; }
        .figure.ok { border-left-color: var(--ok); } .figure.warn { border-left-color: var(--warn); } .figure.bad { border-left-color: var(--bad); }
        .scroll { overflow-x: auto; }
        table { border-collapse: collapse; width: 100%; background: var(--panel); font-size: .92rem; }
        th, td { text-align: left; padding: .4rem .55rem; border-bottom: 1px solid var(--line); vertical-align: top; }
        th { background: #eef1f5; font-weight: 600; color: #334; position: sticky; top: 0; }
        tr:hover td { background: #f8fafc; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
        .badge { display: inline-block; padding: .05rem .45rem; border-radius: 999px; font-size: .8rem; font-weight: 600; background: #e4e7ec; color: #344054; white-space: nowrap; }
        .badge.ok { background: #d1fadf; color: #05603a; } .badge.warn { background: #fef0c7; color: #93370d; }
        .badge.bad { background: #fee4e2; color: #912018; } .badge.info { background: #d1e9ff; color: #194185; }
        .flash { border-radius: var(--radius); padding: .7rem 1rem; margin-bottom: 1rem; border: 1px solid; }
        .flash p, .flash ul { margin: .3rem 0 0; }
        .flash.success { background: #ecfdf3; border-color: #6ce9a6; }
        .flash.error { background: #fef3f2; border-color: #fda29b; }
        .flash.interlock { background: #fffaeb; border-color: #fec84b; font-size: 1.1rem; }
        .empty { color: var(--muted); font-style: italic; }
        form.inline { display: inline-flex; gap: .4rem; align-items: center; flex-wrap: wrap; margin: 0; }
        label { font-weight: 600; display: block; margin: .4rem 0 .2rem; }
        form.inline label { display: inline; margin: 0; }
        input, select, textarea { font: inherit; padding: .45rem .55rem; border: 1px solid #b8c0cc; border-radius: var(--radius); background: #fff; }
        textarea { width: 100%; min-height: 3.2rem; }
        button, .button { font: inherit; padding: .45rem .9rem; border-radius: var(--radius); border: 1px solid #98a2b3; background: #fff; cursor: pointer; text-decoration: none; color: var(--ink); display: inline-block; }
        button:hover, .button:hover { background: #f2f4f7; }
        button.primary { background: var(--accent); border-color: var(--accent); color: #fff; }
        button.primary:hover { background: #174a96; }
        button.danger { border-color: var(--bad); color: var(--bad); }
        button.link { border: none; background: none; padding: 0; text-decoration: underline; color: var(--accent); }
        button:disabled { opacity: .45; cursor: not-allowed; }
        .toolbar { display: flex; gap: .5rem; align-items: center; flex-wrap: wrap; margin-bottom: .75rem; }
        .toolbar .spacer { flex: 1; }
        .seg a { padding: .35rem .7rem; border: 1px solid #98a2b3; text-decoration: none; color: var(--ink); background: #fff; }
        .seg a:first-child { border-radius: var(--radius) 0 0 var(--radius); } .seg a:last-child { border-radius: 0 var(--radius) var(--radius) 0; }
        .seg a[aria-current=true] { background: var(--accent); color: #fff; border-color: var(--accent); }
        .muted { color: var(--muted); }
        .chain { list-style: none; padding: 0; margin: 0; }
        .chain li { padding: .35rem .6rem; border-left: 3px solid var(--line); margin-left: .4rem; }
        .chain li.event { border-left-color: var(--bad); font-weight: 600; }
        .chain li.effect { border-left-color: var(--warn); }
        .action { border: 1px solid var(--line); border-radius: var(--radius); padding: .7rem .9rem; margin-bottom: .75rem; background: #fff; }
        .action.best { border-color: var(--accent); box-shadow: 0 0 0 1px var(--accent) inset; }
        .action h3 { margin-top: 0; }
        .kpis { display: flex; gap: 1.5rem; flex-wrap: wrap; font-size: .9rem; color: var(--muted); margin: .3rem 0; }
        .kpis b { color: var(--ink); }
        svg.gantt { background: #fff; border: 1px solid var(--line); border-radius: var(--radius); width: 100%; height: auto; }
        svg text { font-family: system-ui, "DejaVu Sans", sans-serif; }
        .legend { display: flex; gap: 1rem; font-size: .85rem; color: var(--muted); flex-wrap: wrap; margin: .4rem 0 1rem; }
        .legend span::before { content: ""; display: inline-block; width: .9rem; height: .9rem; margin-right: .3rem; vertical-align: -2px; border-radius: 2px; background: #ccc; }
        .legend .l-order::before { background: linear-gradient(90deg, hsl(210 55% 62%) 50%, hsl(30 55% 62%) 50%); }
        .legend .l-setup::before { background: repeating-linear-gradient(-45deg, #888 0 2px, #ddd 2px 4px); }
        .legend .l-late::before { background: #fff; border: 2px solid #d92d20; }
        .legend .l-down::before { background: rgba(217,45,32,0.3); border: 1px solid #d92d20; }
        .legend .l-planned::before { background: repeating-linear-gradient(45deg, #98a2b3 0 2px, #eaecf0 2px 5px); }
        .compare { display: grid; gap: 1rem; grid-template-columns: 1fr 1fr; }
        @media (max-width: 1100px) { .compare { grid-template-columns: 1fr; } }
        /* Gantt: time outside shifts, slow machines, where a moved operation was */
        svg.gantt .off-shift { fill: #e4e7ec; opacity: .7; pointer-events: none; }
        svg.gantt .machine-slow { fill: rgba(247,144,9,.25); stroke: #f79009; }
        svg.gantt[data-movable] rect[data-op] { cursor: grab; }
        svg.gantt rect.dragging { opacity: .75; cursor: grabbing; }
        svg.gantt .ghost { fill: none; stroke: #1f5fbf; stroke-width: 1.5; stroke-dasharray: 3 3; }
        .legend .l-off::before { background: #e4e7ec; }
        .legend .l-slow::before { background: rgba(247,144,9,.25); border: 1px solid #f79009; }
        .legend .l-ghost::before { background: #fff; border: 1.5px dashed #1f5fbf; }
        .gantt-list { display: none; }
        .gantt-list ul { padding-left: 1.1rem; margin: .2rem 0 .6rem; } .gantt-list li { margin: .2rem 0; }
        @media (max-width: 640px) { svg.gantt { display: none; } .gantt-list { display: block; } }
        /* Charts (server-rendered SVG) */
        .charts { display: grid; gap: 1rem; grid-template-columns: repeat(auto-fit, minmax(min(460px, 100%), 1fr)); margin-bottom: 1rem; }
        .charts .panel { margin: 0; }
        figure.chart { margin: 0; }
        svg.chart { width: 100%; height: auto; display: block; }
        svg.chart .col { fill: var(--accent); } svg.chart .col.ok { fill: var(--ok); } svg.chart .col.warn { fill: var(--risk); } svg.chart .col.bad { fill: var(--late); }
        svg.chart .grid-line { stroke: #e4e7ec; } svg.chart .reference { stroke: var(--ink); stroke-dasharray: 4 3; }
        svg.chart .line { fill: none; stroke: var(--ink); stroke-width: 2; }
        svg.chart .axis { font-size: 11px; fill: var(--muted); }
        figure.chart figcaption { color: var(--muted); font-size: .85rem; margin-top: .3rem; }
        details.chart-table summary { cursor: pointer; color: var(--accent); font-size: .85rem; margin-top: .3rem; }
        @media print { details.chart-table { display: none; } }
        /* Small screens: the sections fold into a menu (no script: a <details>), nothing is wider than the screen. */
        header.top details.menu { display: none; }
        header.top details.menu summary { cursor: pointer; list-style: none; color: #fff; padding: .4rem .7rem; border: 1px solid #3a4b66; border-radius: var(--radius); }
        header.top details.menu summary::-webkit-details-marker { display: none; }
        header.top details.menu[open] summary { background: #2d4266; }
        header.top details.menu nav { position: absolute; left: 0; right: 0; top: 100%; z-index: 20; background: #16202e; flex-direction: column; padding: .4rem .8rem .8rem; box-shadow: 0 8px 20px rgba(0,0,0,.35); }
        header.top { position: relative; }
        .grid { grid-template-columns: repeat(auto-fit, minmax(min(340px, 100%), 1fr)); }
        .scan input { min-width: min(18rem, 100%); }
        .data-issue { min-width: min(22rem, 100%); }
        img, svg { max-width: 100%; }
        header.top nav.sections { flex-wrap: nowrap; gap: .1rem; }
        header.top nav.sections a { padding: .45rem .55rem; font-size: .95rem; white-space: nowrap; }
        @media (max-width: 1600px) { header.top .who small { display: none; } }
        @media (max-width: 1300px) {
          header.top nav.sections { display: none; }
          header.top details.menu { display: block; }
          header.top .who { margin-left: auto; }
        }
        .seg { display: inline-flex; flex-wrap: wrap; }
        form.inline input[size] { max-width: 100%; }
        @media (max-width: 640px) {
          form.inline input[type=text], form.inline input[type=search] { width: 100%; min-width: 0; }
          main { padding: .75rem .6rem 2rem; }
          header.top { padding: .4rem .6rem; gap: .5rem; }
          header.top .who small, header.top .who .user { display: none; }
          h1 { font-size: 1.25rem; }
          .figures { grid-template-columns: repeat(2, minmax(0, 1fr)); }
          .figure .value { font-size: 1.5rem; }
          .toolbar { gap: .35rem; }
          th, td { padding: .35rem .4rem; }
          .kpis { gap: .6rem 1rem; }
          body.large { font-size: 17px; }
        }
        /* Operator terminal: readable from a metre away, big touch targets. */
        body.large { font-size: 20px; }
        body.large main { max-width: none; }
        body.large table { font-size: 1.05rem; }
        body.large button, body.large input, body.large select { padding: .7rem 1.1rem; font-size: 1.05rem; min-height: 3rem; }
        .scan { display: flex; gap: .6rem; align-items: center; background: #16202e; color: #fff; padding: .8rem 1rem; border-radius: var(--radius); margin-bottom: 1rem; flex-wrap: wrap; }
        .scan label { color: #fff; margin: 0; }
        .scan input { font-size: 1.3rem; min-width: 18rem; flex: 1; }
        .op-card { border: 2px solid var(--line); border-radius: var(--radius); padding: .8rem 1rem; margin-bottom: .8rem; background: #fff; }
        .op-card.running { border-color: var(--ok); }
        .op-card.paused { border-color: var(--warn); }
        .op-card h3 { margin: 0 0 .3rem; font-size: 1.25rem; }
        .op-card .forms { display: flex; gap: .8rem; flex-wrap: wrap; margin-top: .6rem; align-items: flex-end; }
        .op-card .blockers { color: #93370d; background: #fffaeb; border-radius: var(--radius); padding: .4rem .8rem; margin: .4rem 0; }
        .op-card .blockers li { margin: .15rem 0; }
        .data-issue { display: inline-block; min-width: 22rem; font-size: .85rem; color: #93370d; }
        .consume .blockers { color: #93370d; background: #fffaeb; border-radius: var(--radius); padding: .4rem .8rem; margin: .4rem 0 .8rem; }
        .consume .blockers form { margin: .3rem 0; }
        .wi { background: #f5f8ff; border: 1px solid #b2ccff; border-radius: var(--radius); padding: .7rem 1rem; margin: .5rem 0; }
        .wi pre { white-space: pre-wrap; font-family: inherit; margin: .3rem 0; }
        .signin { display: grid; place-items: center; min-height: 100vh; background: #16202e; }
        .signin-box { background: #fff; border-radius: 10px; padding: 2rem 2.2rem; width: min(440px, 92vw); box-shadow: 0 10px 30px rgba(0,0,0,.3); }
        .signin-box h1 { font-size: 2rem; margin: 0 0 .3rem; }
        .signin-box input { width: 100%; font-size: 1.15rem; margin-bottom: 1rem; }
        .signin-box button { width: 100%; padding: .7rem; font-size: 1.1rem; }
        .hint { color: var(--muted); font-size: .85rem; margin-top: 1rem; }
        .secret { font-family: ui-monospace, "DejaVu Sans Mono", monospace; background: #16202e; color: #3ccf7a; padding: .5rem .8rem; border-radius: var(--radius); user-select: all; word-break: break-all; }
        .bar { height: .55rem; background: #e4e7ec; border-radius: 999px; overflow: hidden; min-width: 80px; }
        .bar > i { display: block; height: 100%; background: var(--ok); }
        .bar.warn > i { background: var(--risk); } .bar.bad > i { background: var(--late); }
        svg.graph { background: #fff; border: 1px solid var(--line); border-radius: var(--radius); max-width: 100%; height: auto; }
        @media print { header.top { display: none; } }
        /* terminal & print */
        .andon-forms { display: flex; gap: 1rem; flex-wrap: wrap; align-items: flex-end; }
        .andon-forms form { display: flex; gap: .5rem; flex-wrap: wrap; align-items: center; padding: .5rem; border: 1px solid var(--line); border-radius: var(--radius); }
        body.large .andon-forms button, body.large .op-card button, body.large .scan button { min-height: 3rem; min-width: 6rem; font-size: 1.1rem; }
        body.large select, body.large input[type=number], body.large input[type=text] { min-height: 2.6rem; font-size: 1.05rem; }
        button.warn { border-color: var(--warn); color: var(--warn); }
        details.andon summary { cursor: pointer; font-weight: 700; font-size: 1.1rem; padding: .2rem 0; }
        details.andon[open] summary { margin-bottom: .6rem; }
        .andon-forms input[type=number] { width: 7rem; }
        a.button.primary { background: var(--accent); border-color: var(--accent); color: #fff; }
        .counter { display: flex; gap: 2rem; flex-wrap: wrap; align-items: baseline; margin: .4rem 0; font-size: 1.4rem; }
        .counter strong { font-size: 2.4rem; }
        .counter .timer { font-variant-numeric: tabular-nums; font-size: 2rem; font-weight: 600; }
        details.book { margin-top: .6rem; } details.book summary { cursor: pointer; padding: .4rem 0; font-weight: 600; }
        details.book form { display: flex; gap: .5rem; flex-wrap: wrap; align-items: center; }
        .card-links { margin: .4rem 0 0; font-size: .95rem; }
        .print-doc { background: #fff; color: #000; padding: 1rem 1.2rem; border: 1px solid var(--line); border-radius: var(--radius); max-width: 60rem; }
        .print-doc table { width: 100%; border-collapse: collapse; } .print-doc th, .print-doc td { border: 1px solid #999; padding: .3rem .5rem; text-align: left; vertical-align: top; }
        .print-doc .head { display: flex; justify-content: space-between; gap: 1rem; align-items: flex-start; flex-wrap: wrap; }
        .print-doc dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: .5rem 0; } .print-doc dt { font-weight: 600; }
        .lot-label { width: 100mm; min-height: 50mm; border: 1px dashed #999; padding: 4mm; background: #fff; color: #000; }
        .lot-label .big { font-size: 1.6rem; font-weight: 700; margin: 0; } .lot-label p { margin: .15rem 0; }
        svg.barcode { display: block; max-width: 100%; height: auto; }
        .print-actions { margin: .8rem 0; display: flex; gap: .6rem; flex-wrap: wrap; }
        .tick { display: inline-block; width: 1.2rem; height: 1.2rem; border: 1.5px solid #000; }
        @media print {
          body { background: #fff; } main { padding: 0; max-width: none; }
          .flash, .print-actions, .no-print, main > h1 { display: none; }
          .print-doc { border: 0; padding: 0; max-width: none; }
          .lot-label { border: 0; page-break-after: always; }
          .print-doc tr { page-break-inside: avoid; }
          a { color: #000; text-decoration: none; }
        }
        /* setup */
        form.setup { display: grid; gap: .9rem; max-width: 52rem; }
        form.setup .field { display: grid; gap: .25rem; }
        form.setup .field .hint { margin-top: 0; }
        form.setup .field.invalid input, form.setup .field.invalid select, form.setup .field.invalid textarea { border-color: #b3261e; border-width: 2px; }
        .field-error { color: #b3261e; font-weight: 600; margin: 0; }
        .checks { display: flex; flex-wrap: wrap; gap: .3rem 1rem; }
        details.import { margin-top: 1.5rem; }
        details.import summary { cursor: pointer; font-weight: 600; }
        body.badge-page main { max-width: 40rem; margin: 1rem auto; padding: 0 1rem; }
        /* A6 landscape (a common badge holder): wide enough for the barcode's narrowest bar to be about 0.2 mm. */
        section.badge { border: 1px solid #222; border-radius: 8px; width: 148mm; max-width: 100%; min-height: 105mm; padding: 6mm; box-sizing: border-box; background: #fff; color: #000; }
        section.badge p { margin: 0 0 1.5mm; }
        .badge-plant { font-size: .75rem; letter-spacing: .1em; text-transform: uppercase; }
        .badge-name { font-size: 1.8rem; font-weight: 700; }
        .badge-roles { font-size: 1rem; }
        .badge-id, .badge-secret { font-size: .75rem; }
        .badge-secret { font-family: ui-monospace, monospace; word-break: break-all; overflow-wrap: anywhere; }
        section.badge svg.barcode { display: block; width: 100%; height: 20mm; margin: 4mm 0 2mm; }
        form.setup input[readonly] { background: #eef0f3; color: #444; }
        @media print { .no-print { display: none; } body.badge-page main { margin: 0; padding: 0; } }
        /* boards */
        .acts { display: flex; gap: .4rem; flex-wrap: wrap; align-items: center; }
        .acts form { margin: 0; }
        .field { display: inline-flex; flex-direction: column; margin: 0 .5rem .4rem 0; vertical-align: top; }
        .field label { font-size: .8rem; color: var(--muted); }
        .field-error { display: block; color: #b42318; font-size: .85rem; margin-top: .15rem; max-width: 22rem; }
        form.receipt, form.inspection { margin: .4rem 0; }
        table.characteristics { margin: .3rem 0; }
        table.characteristics td.limits { color: var(--muted); white-space: nowrap; }
        section.group h2 { font-size: 1.05rem; margin: 1rem 0 .3rem; }
        .tabs a { margin-right: .8rem; } .tabs a[aria-current="page"] { font-weight: 700; text-decoration: none; color: var(--ink); }
        pre.instruction { white-space: pre-wrap; font-family: inherit; background: #f5f8ff; border: 1px solid #b2ccff; border-radius: var(--radius); padding: .7rem 1rem; }
        .attachments { display: flex; flex-wrap: wrap; gap: .8rem; margin: .5rem 0; }
        figure.attachment { margin: 0; max-width: 320px; }
        figure.attachment img { max-width: 100%; max-height: 240px; border: 1px solid var(--line); border-radius: var(--radius); }
        figure.attachment figcaption { font-size: .85rem; color: var(--muted); }
        table.diff td:nth-child(-n+3) { color: var(--muted); width: 2.5rem; text-align: right; }
        table.diff code { white-space: pre-wrap; }
        tr.diff-added td { background: #ecfdf3; } tr.diff-removed td { background: #fef3f2; } tr.diff-removed code { text-decoration: line-through; }
        fieldset { border: 1px solid var(--line); border-radius: var(--radius); margin: .5rem 0; }
        """#

    static let js = #"""
        // Takt web: dragging an operation on the Gantt (planners). A drop asks the server what the move would do:
        // /schedule/move?op=…&wc=…&t=… shows the simulated effect; nothing is published until the planner says so.
        (function () {
          "use strict";
          var svg = document.querySelector("svg.gantt[data-movable]");
          if (!svg || !window.PointerEvent) return;
          var from = +svg.dataset.from, to = +svg.dataset.to, labelW = +svg.dataset.labelWidth, chartW = +svg.dataset.chartWidth;
          var rowH = +svg.dataset.rowHeight, axisH = +svg.dataset.axisHeight, rows = svg.dataset.rows.split(",");
          var drag = null;
          function point(e) {
            var p = svg.createSVGPoint(); p.x = e.clientX; p.y = e.clientY;
            return p.matrixTransform(svg.getScreenCTM().inverse());
          }
          svg.addEventListener("pointerdown", function (e) {
            var rect = e.target.closest && e.target.closest("rect[data-op]");
            if (!rect || e.button !== 0) return;
            e.preventDefault();
            drag = { rect: rect, start: point(e), x: +rect.getAttribute("x"), y: +rect.getAttribute("y"), moved: false };
            rect.setPointerCapture(e.pointerId);
          });
          svg.addEventListener("pointermove", function (e) {
            if (!drag) return;
            var p = point(e), dx = p.x - drag.start.x, dy = p.y - drag.start.y;
            if (Math.abs(dx) + Math.abs(dy) > 4) drag.moved = true;
            drag.rect.setAttribute("transform", "translate(" + dx + " " + dy + ")");
            drag.rect.classList.add("dragging");
          });
          svg.addEventListener("pointerup", function (e) {
            if (!drag) return;
            var d = drag; drag = null;
            if (!d.moved) { d.rect.removeAttribute("transform"); d.rect.classList.remove("dragging"); return; }
            var p = point(e), x = d.x + (p.x - d.start.x);
            var t = from + Math.max(0, (x - labelW) / chartW) * (to - from);
            var row = Math.floor((d.y + (p.y - d.start.y) + rowH / 2 - axisH) / rowH);
            var wc = rows[Math.max(0, Math.min(rows.length - 1, row))];
            location.href = "/schedule/move?op=" + encodeURIComponent(d.rect.dataset.op) + "&wc=" + encodeURIComponent(wc) + "&t=" + Math.round(t);
          });
          svg.addEventListener("click", function (e) {  // a drag is not a click on the bar's link
            if (e.target.closest && e.target.closest("rect.dragging")) e.preventDefault();
          }, true);
        })();
        // Takt web: live updates over server-sent events. When the plant changes, the page's main part is fetched again
        // and swapped in, unless someone is typing in a field (then a note offers to refresh).
        (function () {
          "use strict";
          var dot = document.getElementById("live");
          var main = document.getElementById("main");
          if (!main || !window.EventSource || !document.body.hasAttribute("data-live")) return;
          var pending = null, busy = false, last = 0;
          function typing() {
            var a = document.activeElement;
            return a && (a.tagName === "TEXTAREA" || (a.tagName === "INPUT" && a.type !== "hidden" && a.value !== "") || a.tagName === "SELECT");
          }
          function refresh() {
            pending = null;
            if (busy) { schedule(); return; }
            if (typing()) { note(); return; }
            busy = true; last = Date.now();
            fetch(location.href, { credentials: "same-origin", headers: { "X-Takt-Live": "1" } })
              .then(function (r) { return r.ok ? r.text() : null; })
              .then(function (html) {
                busy = false;
                if (!html || typing()) return;
                var doc = new DOMParser().parseFromString(html, "text/html");
                var fresh = doc.getElementById("main");
                if (!fresh) return;
                var focused = document.activeElement && document.activeElement.id;
                var flash = main.querySelector(".flash");
                main.innerHTML = fresh.innerHTML;
                if (flash && !main.querySelector(".flash")) main.insertBefore(flash, main.firstChild);
                var again = (focused && document.getElementById(focused)) || main.querySelector("[autofocus]");
                if (again) again.focus();
              })
              .catch(function () { busy = false; });
          }
          function schedule() {
            if (pending) return;
            var wait = Math.max(400, 1500 - (Date.now() - last));
            pending = setTimeout(refresh, wait);
          }
          function note() {
            if (document.getElementById("stale")) return;
            var n = document.createElement("div");
            n.id = "stale"; n.className = "flash success"; n.setAttribute("role", "status");
            n.innerHTML = "The plant changed. <button type=button>Refresh</button>";
            n.querySelector("button").onclick = function () { location.reload(); };
            main.insertBefore(n, main.firstChild);
          }
          var source = new EventSource("/web/events");
          source.onopen = function () { if (dot) dot.className = "live on"; };
          source.onerror = function () { if (dot) dot.className = "live"; };
          source.addEventListener("change", schedule);
          // A page whose figures move without a commit (the machine-data bridge's) carries data-refresh="seconds": it is
          // fetched again that often, but never while someone types in it.
          var ticks = 0;
          setInterval(function () {
            var r = main.querySelector("[data-refresh]");
            if (!r || document.hidden) { ticks = 0; return; }
            ticks += 1;
            if (ticks >= (parseInt(r.getAttribute("data-refresh"), 10) || 5)) { ticks = 0; if (!typing()) schedule(); }
          }, 1000);
          // Close the stream when leaving the page, so a kept page cannot hold one of the browser's few connections.
          window.addEventListener("pagehide", function () { source.close(); });
          window.addEventListener("pageshow", function (e) { if (e.persisted) location.reload(); });
          // Print buttons (without the script, the browser's own Print does the same).
          document.addEventListener("click", function (e) {
            var b = e.target.closest && e.target.closest("[data-print]");
            if (b) { e.preventDefault(); window.print(); }
          });
          // Keyboard: "/" focuses the first search or scan field.
          document.addEventListener("keydown", function (e) {
            if (e.key === "/" && !typing() && document.activeElement.tagName !== "INPUT") {
              var f = document.querySelector("input[type=search], input.scanfield");
              if (f) { e.preventDefault(); f.focus(); }
            }
          });
        })();
        // Terminal timers: the server renders the time worked (plant clock); here it only ticks on between refreshes.
        (function () {
          "use strict";
          function fmt(t) { var h = Math.floor(t / 3600), m = Math.floor(t % 3600 / 60), s = t % 60; return h + ":" + (m < 10 ? "0" : "") + m + ":" + (s < 10 ? "0" : "") + s; }
          setInterval(function () {
            var timers = document.querySelectorAll(".timer[data-ticking]");
            for (var i = 0; i < timers.length; i++) {
              var el = timers[i];
              if (!el.taktStart) el.taktStart = Date.now();
              el.textContent = fmt(parseInt(el.getAttribute("data-elapsed"), 10) + Math.floor((Date.now() - el.taktStart) / 1000));
            }
          }, 1000);
        })();
        """#
}
