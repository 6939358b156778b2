// Reviewing one case's public text: approve the editor's text (the workflow's "publish" action),
// or take the case down when the citizen withdrew consent ("withdraw_consent"). The page is
// reloaded afterwards, so what it shows is what the server stored.
"use strict";

(() => {
  const { api, t, toast } = Hotline;
  const page = JSON.parse(document.getElementById("publication-data").textContent);
  const form = document.getElementById("public-text");
  const withdraw = document.getElementById("withdraw");

  async function act(name, body, done) {
    for (const button of form.querySelectorAll("button")) button.disabled = true;
    try {
      await api("POST", `/api/cases/${page.id}/actions/${name}`, { ...body, version: page.version });
      toast(t(done));
      window.location.reload();
    } catch (err) {
      toast(err.message, "error");
      for (const button of form.querySelectorAll("button")) button.disabled = false;
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(form);
    act("publish", {
      subject: data.get("subject"),
      question: data.get("question"),
      reply: data.get("reply"),
    }, "publication.approved");
  });

  if (withdraw) {
    withdraw.addEventListener("click", () => {
      if (window.confirm(t("publication.withdraw_confirm"))) act("withdraw_consent", {}, "publication.taken_down");
    });
  }
})();
