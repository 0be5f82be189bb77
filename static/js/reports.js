// Report pages: draw each chart from the data its canvas carries (no inline script), and the print button.
(function () {
  "use strict";
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    if (typeof Chart === "undefined") { return; }
    var spec = JSON.parse(canvas.dataset.chart);
    var options = {responsive: true, maintainAspectRatio: false, animation: false,
                   plugins: {legend: {display: spec.datasets.length > 1}}};
    if (spec.stacked) { options.scales = {x: {stacked: true}, y: {stacked: true, beginAtZero: true}}; }
    if (spec.horizontal) { options.indexAxis = "y"; }
    if (spec.percent) {
      options.scales = options.scales || {};
      var axis = spec.horizontal ? "x" : "y";
      options.scales[axis] = {beginAtZero: true, ticks: {callback: function (v) { return v + "%"; }}};
    }
    new Chart(canvas, {type: spec.type, data: {labels: spec.labels, datasets: spec.datasets}, options: options});
  });
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
}());
