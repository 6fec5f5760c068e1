// Entry point: mounts the app and applies the saved theme before first paint.
// The locale fix comes first: modules run in import order, and libraries read
// navigator.language when they load.
import "./lib/locale";
import { mount } from "svelte";
import App from "./App.svelte";
import { applyTheme, loadTheme } from "./lib/theme";
import "./app.css";

applyTheme(loadTheme());
const target = document.getElementById("app");
if (!target) throw new Error("index.html has no #app element");
export default mount(App, { target });
