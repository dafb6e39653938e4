// Select all: a header checkbox that ticks every comment on the page. Without JavaScript it
// stays hidden and each comment is ticked by hand.
(function () {
  var all = document.getElementById('select-all');
  if (!all) return;
  var boxes = function () { return document.querySelectorAll('input[type=checkbox][name=ids][form=bulk]'); };
  all.hidden = false;
  all.addEventListener('change', function () {
    boxes().forEach(function (b) { b.checked = all.checked; });
  });
  document.addEventListener('change', function (e) {
    if (e.target === all || e.target.name !== 'ids') return;
    var bs = boxes(), n = 0;
    bs.forEach(function (b) { if (b.checked) n++; });
    all.checked = n === bs.length;
    all.indeterminate = n > 0 && n < bs.length;
  });
})();
