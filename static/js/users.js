// The administrator's user list: add users, change role, unit, SIP phone, activity, password.
"use strict";

(() => {
  const { api, el, t, toast } = Hotline;
  const tbody = document.querySelector("#users tbody");

  function options(select, items, selected) {
    select.replaceChildren(...items.map(([value, text]) => el("option", { value, selected: String(value) === String(selected ?? "") }, text)));
  }
  const roleItems = USERS_PAGE.roles.map((r) => [r.value, r.label]);
  const unitItems = [["", t("no_unit")], ...USERS_PAGE.units.map((u) => [u.id, u.name])];

  async function save(user, changes) {
    try {
      Object.assign(user, await api("PATCH", `/api/users/${user.id}`, changes));
      toast(t("saved"), "ok");
    } catch (e) {
      toast(e.details ? Object.values(e.details).join(" ") : e.message, "error");
      load();
    }
  }

  function row(user) {
    const role = el("select", { onchange: (e) => save(user, { role: e.target.value }) });
    options(role, roleItems, user.role);
    const unit = el("select", { onchange: (e) => save(user, { unit_id: e.target.value ? Number(e.target.value) : null }) });
    options(unit, unitItems, user.unit_id);
    return el("tr", { dataset: { userId: user.id } },
      el("td", {}, user.username),
      el("td", {}, el("input", { type: "text", value: user.display_name, onchange: (e) => save(user, { display_name: e.target.value }) })),
      el("td", {}, role),
      el("td", {}, unit),
      el("td", {}, el("input", { type: "text", value: user.sip_extension || "", onchange: (e) => save(user, { sip_extension: e.target.value || null }) })),
      el("td", {}, el("input", { type: "checkbox", checked: user.active, onchange: (e) => save(user, { active: e.target.checked }) })),
      el("td", {}, el("button", { type: "button", onclick: async () => {
        const password = prompt(t("new_password"));
        if (password) { await save(user, { password }); }
      } }, t("reset_password"))),
    );
  }

  async function load() {
    const users = (await api("GET", "/api/users")).items;
    tbody.replaceChildren(...users.map(row));
  }

  const form = document.getElementById("new-user");
  options(form.elements.role, roleItems, "producer");
  options(form.elements.unit_id, unitItems, "");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = Object.fromEntries(new FormData(form));
    data.unit_id = data.unit_id ? Number(data.unit_id) : null;
    data.sip_extension = data.sip_extension || null;
    const error = document.getElementById("new-user-error");
    try {
      await api("POST", "/api/users", data);
      form.reset();
      error.textContent = "";
      load();
    } catch (e) {
      error.textContent = e.details ? Object.entries(e.details).map(([k, v]) => `${k}: ${v}`).join("; ") : e.message;
    }
  });
  load();
})();
