// Keyboard moves in entry grids: arrow up/down go to the same column in the row above/below.
document.querySelectorAll("form[data-grid]").forEach(function (form) {
  form.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!input.dataset || !input.dataset.column || (event.key !== "ArrowDown" && event.key !== "ArrowUp")) return;
    var column = Array.prototype.filter.call(form.querySelectorAll("[data-column]"), function (el) {
      return el.dataset.column === input.dataset.column;
    });
    var next = column[column.indexOf(input) + (event.key === "ArrowDown" ? 1 : -1)];
    if (next) { event.preventDefault(); next.focus(); next.select(); }
  });
});
