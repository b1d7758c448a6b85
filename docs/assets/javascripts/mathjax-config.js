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

// Material's document$ fires on the first load and on every page swap of instant navigation. MathJax typesets
// the first page itself; later pages are typeset after it. Never call output.clearCache(): it drops MathJax's
// stylesheet, and fractions and matrices collapse on every page reached by a click or a reload.
if (typeof document$ !== "undefined") {
  var firstPage = true;
  document$.subscribe(function () {
    if (firstPage) { firstPage = false; return; }
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
      MathJax.startup.promise = MathJax.startup.promise.then(function () {
        MathJax.typesetClear();
        MathJax.texReset();
        return MathJax.typesetPromise();
      });
    }
  });
}
