// Select-all for admin lists: a checkbox with data-select-all="NAME" checks or clears every
// checkbox named NAME in its form. Without the script each row is checked by hand.
(function () {
  "use strict";
  document.querySelectorAll("input[data-select-all]").forEach(function (all) {
    var name = all.dataset.selectAll;
    var boxes = function () { return all.form ? all.form.querySelectorAll('input[type=checkbox][name="' + name + '"]') : []; };
    all.addEventListener("change", function () {
      boxes().forEach(function (b) { b.checked = all.checked; });
    });
  });
})();
