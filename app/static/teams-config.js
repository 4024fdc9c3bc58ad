// The Teams tab's configuration page: when a board is chosen, tell Teams the tab is ready
// and, on Save, which page the tab shows. Outside Teams the page is a plain board finder.
(function () {
  "use strict";

  const form = document.getElementById("teams-config");
  const teams = window.microsoftTeams;
  if (!form || !teams) return;

  function chosen() {
    return form.querySelector("input[name=board]:checked");
  }

  function save(event) {
    const radio = chosen();
    if (!radio) {
      event.notifyFailure("no board chosen");
      return;
    }
    const projector = form.querySelector("input[name=view]:checked") ? "/projector" : "";
    const url = `${form.dataset.baseUrl}/b/${radio.value}${projector}`;
    teams.pages.config
      .setConfig({
        entityId: radio.value,
        contentUrl: url,
        websiteUrl: url,
        suggestedDisplayName: radio.dataset.title,
      })
      .then(() => event.notifySuccess())
      .catch((error) => event.notifyFailure(String(error)));
  }

  teams.app
    .initialize()
    .then(() => {
      teams.pages.config.registerOnSaveHandler(save);
      teams.pages.config.setValidityState(Boolean(chosen()));
      form.addEventListener("change", () => teams.pages.config.setValidityState(Boolean(chosen())));
    })
    .catch(() => {}); // not inside Teams
})();
