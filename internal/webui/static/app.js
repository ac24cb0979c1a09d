// orgdir works without this file. It only adds a "select all" box to the
// Deleted users table.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("deleted-form");
  if (!form) return;
  var boxes = form.querySelectorAll('input[name="ids"]');
  var head = form.querySelector("thead th");
  if (!head || boxes.length < 2) return;
  var all = document.createElement("input");
  all.type = "checkbox";
  all.setAttribute("aria-label", "Select all");
  all.addEventListener("change", function () {
    boxes.forEach(function (b) { b.checked = all.checked; });
  });
  head.textContent = "";
  head.appendChild(all);
});
