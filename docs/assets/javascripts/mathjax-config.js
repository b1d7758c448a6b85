// MathJax 4, served from this site (docs/assets/mathjax, copied from node_modules by `derive build`).
// Fonts load from the same place; nothing is fetched from a CDN.
(function () {
  var script = document.currentScript;
  var base = script ? script.src.replace(/javascripts\/mathjax-config\.js.*$/, "mathjax") : "assets/mathjax";
  window.MathJax = {
    loader: {
      paths: { mathjax: base, "mathjax-newcm": base + "/fonts/mathjax-newcm" },
    },
    tex: {
      inlineMath: [["\\(", "\\)"]],
      displayMath: [["\\[", "\\]"]],
      processEscapes: true,
      processEnvironments: true,
    },
    output: { font: "mathjax-newcm", fontPath: base + "/fonts/mathjax-newcm" },
    options: {
      ignoreHtmlClass: ".*|",
      processHtmlClass: "arithmatex",
      enableMenu: false,
      menuOptions: { settings: { enrich: false, speech: false, braille: false, assistiveMml: false } },
    },
  };
})();

// Material's instant navigation swaps pages without reloading: typeset again.
if (typeof document$ !== "undefined") {
  document$.subscribe(function () {
    if (window.MathJax && MathJax.typesetPromise) {
      MathJax.startup.output.clearCache();
      MathJax.typesetClear();
      MathJax.texReset();
      MathJax.typesetPromise();
    }
  });
}
