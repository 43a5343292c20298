/*
 * Scenario comparison: the gap by occupation in the chosen year, the baseline beside the scenario, drawn
 * from the data the page carries (json_script). An extra: every figure is in the tables below it.
 */
(function () {
  "use strict";

  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function draw() {
    var source = document.getElementById("scenario-chart-data");
    var figure = document.querySelector('[data-chart="comparison"]');
    if (!source || !figure || !window.Chart) {
      return;
    }
    var data = JSON.parse(source.textContent);
    if (!data.labels.length) {
      return;
    }
    figure.style.height = Math.max(240, data.labels.length * 40 + 100) + "px";
    figure.hidden = false;
    new window.Chart(figure.querySelector("canvas"), {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [
          { label: "Baseline gap (FTE)", data: data.baseline, backgroundColor: "#425563" },
          { label: "Scenario gap (FTE)", data: data.scenario, backgroundColor: "#005eb8" }
        ]
      },
      options: {
        indexAxis: "y",
        maintainAspectRatio: false,
        animation: reduceMotion ? false : undefined,
        plugins: {
          legend: { position: "bottom" },
          tooltip: {
            callbacks: {
              label: function (item) {
                return item.dataset.label + ": " + Math.round(item.raw).toLocaleString("en-GB");
              }
            }
          }
        },
        scales: { x: { title: { display: true, text: "Gap (FTE), year " + data.year } } }
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
