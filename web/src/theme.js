// The theme before first paint: the saved choice, else the system's (a classic script so
// that it runs before the page is drawn).
try {
  const saved = localStorage.getItem("afc-theme");
  document.documentElement.dataset.theme =
    saved === "dark" || saved === "light" ? saved : matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
} catch {
  document.documentElement.dataset.theme = "light";
}
