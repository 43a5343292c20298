/*
 * Placements page: draws need, offered and filled by academic year from the figures the page carries
 * (json_script). An extra only: every figure is in the table beside it, and the figure stays hidden
 * without JavaScript.
 */
(function () {
  "use strict";

  var figure = document.querySelector("[data-placements-chart]");
  var source = document.getElementById("placements-chart-data");
  if (!figure || !source || !window.Chart) {
    return;
  }
  var data = JSON.parse(source.textContent);
  var colours = ["#005eb8", "#ed8b00", "#007f3b"];
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  figure.hidden = false;
  new window.Chart(figure.querySelector("canvas"), {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: data.series.map(function (series, index) {
        return { label: series.label, data: series.values, backgroundColor: colours[index % colours.length] };
      })
    },
    options: {
      maintainAspectRatio: false,
      animation: reduceMotion ? false : undefined,
      scales: {
        y: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: "Placements" } },
        x: { title: { display: true, text: "Academic year" } }
      }
    }
  });
})();
