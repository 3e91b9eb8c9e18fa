// The pgconn sample page: plain JavaScript, no build step. Polls /actuator/health (component pgConn)
// every second and draws the hosts, /api/writes (the Spring Data write load) every second and draws
// the writes per host, and the pg.conn.* and r2dbc.pool.* meters of /actuator/metrics every two;
// offers the embedded cluster's demo failover when there is one.
"use strict";

const $ = (id) => document.getElementById(id);

const ONE_FAILOVER_NOTE = "One demo failover per run: the old primary stays down, because the bundled "
  + "PostgreSQL binaries have no pg_rewind to turn it into a standby of the new primary. "
  + "Restart the application to watch it again.";

function text(value) {
  return value === null || value === undefined || value === "" ? "—" : String(value);
}

// ISO instants from the server, shown as local wall-clock time (the raw value stays in the tooltip)
function time(iso) {
  if (!iso) return null;
  const date = new Date(iso);
  return isNaN(date) ? iso : date.toLocaleTimeString();
}

function setCell(td, value, className) {
  td.textContent = text(value);
  td.className = className;
  return td;
}

// details.hosts may be a map keyed by host:port or a list of objects carrying "host".
function hostList(hosts) {
  if (!hosts) return [];
  if (Array.isArray(hosts)) return hosts;
  return Object.entries(hosts).map(([host, h]) => Object.assign({ host }, h));
}

function drawHealth(health) {
  const pg = health.components && health.components.pgConn;
  if (!pg) {
    $("health-status").textContent = text(health.status);
    $("health-error").hidden = false;
    $("health-error").textContent = "No pgConn component in /actuator/health (is the starter's health indicator on?)";
    return;
  }
  const d = pg.details || {};
  $("health-status").textContent = pg.status;
  $("health-status").className = "badge " + pg.status;
  $("active-host").textContent = text(d.activeHost);
  $("active-role").textContent = text(d.role);
  $("server-version").textContent = text(d.serverVersion);
  $("failovers").textContent = text(d.failovers === undefined ? 0 : d.failovers);
  $("last-failover").textContent = d.lastFailoverAt ? ", last at " + time(d.lastFailoverAt) : "";
  const error = d.error || (pg.status !== "UP" ? "pgConn is " + pg.status : "");
  $("health-error").hidden = !error;
  $("health-error").textContent = error;

  drawHosts(hostList(d.hosts), d.activeHost);
}

// Rows are kept per host and updated in place, so the table does not flicker (and stays put for a script).
function drawHosts(hosts, activeHost) {
  const body = $("hosts-body");
  const placeholder = body.querySelector("tr:not(.host)");
  if (placeholder && hosts.length > 0) placeholder.remove();
  for (const h of hosts) {
    let row = body.querySelector("tr.host[data-host='" + CSS.escape(h.host) + "']");
    if (!row) {
      row = document.createElement("tr");
      row.dataset.host = h.host;
      for (let i = 0; i < 5; i++) row.appendChild(document.createElement("td"));
      body.appendChild(row);
    }
    row.className = "host" + (h.host === activeHost ? " active" : "");
    const [name, status, role, checked, error] = row.children;
    setCell(name, h.host, "host-name");
    setCell(status, h.status, "host-status status-" + text(h.status));
    setCell(role, h.role, "host-role");
    setCell(checked, time(h.lastCheckedAt), "host-checked").title = text(h.lastCheckedAt);
    setCell(error, h.lastError, "host-error" + (h.lastError ? " error-text" : ""));
  }
}

async function pollHealth() {
  try {
    // 503 still carries the JSON body when the component is DOWN
    const response = await fetch("actuator/health", { cache: "no-store" });
    drawHealth(await response.json());
  } catch (e) {
    $("health-status").textContent = "unreachable";
    $("health-status").className = "badge DOWN";
    $("health-error").hidden = false;
    $("health-error").textContent = "cannot read /actuator/health: " + e;
  } finally {
    setTimeout(pollHealth, 1000);
  }
}

// One row per pg.conn.* meter: its measurements (COUNT, TOTAL_TIME, VALUE, ...) and the tags it can be cut by.
async function pollMeters() {
  try {
    const names = (await (await fetch("actuator/metrics", { cache: "no-store" })).json()).names
      .filter((n) => n.startsWith("pg.conn.") || n.startsWith("r2dbc.pool.")).sort();
    // a meter can go between the list and its read (pg.conn.replica.lag when the last standby is promoted): 404, skipped
    const meters = (await Promise.all(names.map(async (name) => {
      const response = await fetch("actuator/metrics/" + encodeURIComponent(name), { cache: "no-store" });
      return response.status === 404 ? null : response.json();
    }))).filter((m) => m !== null);
    const rows = meters.map((m) => {
      const row = document.createElement("tr");
      row.className = "meter";
      const measurements = m.measurements.map((x) => x.statistic.toLowerCase() + " " + formatMeasurement(x, m.baseUnit))
        .join(", ");
      const tags = m.availableTags.map((t) => t.tag + ": " + t.values.join(" | ")).join("; ");
      for (const value of [m.name, measurements, tags]) {
        row.appendChild(setCell(document.createElement("td"), value, ""));
      }
      return row;
    });
    $("meters-body").replaceChildren(...rows);
  } catch (e) {
    $("meters-body").replaceChildren();
    const row = document.createElement("tr");
    row.appendChild(setCell(document.createElement("td"), "cannot read /actuator/metrics: " + e, "error-text"));
    $("meters-body").appendChild(row);
  } finally {
    setTimeout(pollMeters, 2000);
  }
}

function formatMeasurement(measurement, baseUnit) {
  // a gauge with no value reads NaN, which the endpoint writes as "NaN" (pg.conn.replica.lag of a standby whose lag
  // just went, before its gauge is removed)
  const value = typeof measurement.value !== "number" ? String(measurement.value)
    : Number.isInteger(measurement.value) ? measurement.value : measurement.value.toFixed(3);
  // counts (COUNT, ACTIVE_TASKS) have no unit; times and values are in the meter's base unit
  const counted = measurement.statistic === "COUNT" || measurement.statistic === "ACTIVE_TASKS";
  return counted || !baseUnit ? String(value) : value + " " + baseUnit;
}

function showFailoverDone(failover) {
  $("failover-button").disabled = true;
  $("failover-note").hidden = false;
  $("failover-note").textContent = "Failed over at " + time(failover.at) + ": stopped " + failover.stoppedPrimary
    + ", promoted " + failover.promotedStandby + ". " + ONE_FAILOVER_NOTE;
}

async function loadDemo() {
  const response = await fetch("api/demo", { cache: "no-store" });
  if (response.status === 404) return; // running on your own servers: no demo failover
  const demo = await response.json();
  $("demo-section").hidden = false;
  if (!demo.failoverAvailable && demo.lastFailover) showFailoverDone(demo.lastFailover);
}

async function failover() {
  const button = $("failover-button");
  button.disabled = true;
  button.textContent = "Failing over…";
  const response = await fetch("api/demo/failover", { method: "POST" });
  const body = await response.json();
  button.textContent = "Stop the primary and promote the standby";
  if (response.ok) {
    showFailoverDone(body);
  } else {
    $("failover-note").hidden = false;
    $("failover-note").textContent = body.detail || JSON.stringify(body);
  }
}

// The write load's counters; one row per host that took a write, updated in place, the last one marked.
function drawWrites(w) {
  $("load-state").textContent = w.enabled
    ? "A note is written every " + w.intervalMillis + " ms."
    : "The background write load is off (sample.write-load.enabled=false); POST a note below.";
  $("writes-ok").textContent = w.succeeded;
  $("writes-failed").textContent = w.failed;
  $("writes-readonly").textContent = w.readOnlyRefusals;
  $("writes-last-host").textContent = text(w.lastHost);
  const body = $("writes-body");
  for (const [host, count] of Object.entries(w.byHost)) {
    let row = body.querySelector("tr.writes-host[data-host='" + CSS.escape(host) + "']");
    if (!row) {
      row = document.createElement("tr");
      row.dataset.host = host;
      for (let i = 0; i < 2; i++) row.appendChild(document.createElement("td"));
      body.appendChild(row);
    }
    row.className = "writes-host" + (host === w.lastHost ? " last" : "");
    setCell(row.children[0], host, "host-name");
    setCell(row.children[1], count, "writes-count");
  }
  const failures = Object.entries(w.failures).map(([reason, n]) => reason + " × " + n).join(", ");
  $("writes-failures").hidden = !w.failed;
  $("writes-failures").textContent = w.failed
    ? "Failed writes by reason: " + failures + ". Last at " + time(w.lastFailureAt) + ": " + w.lastError
    : "";
}

async function pollWrites() {
  try {
    drawWrites(await (await fetch("api/writes", { cache: "no-store" })).json());
  } catch (e) {
    $("load-state").textContent = "cannot read /api/writes: " + e;
  } finally {
    setTimeout(pollWrites, 1000);
  }
}

async function loadNotes() {
  const response = await fetch("api/notes", { cache: "no-store" });
  if (!response.ok) return;
  list("notes", await response.json(), (n) => "#" + n.id + " \"" + n.text + "\" written on " + n.host + " at " + time(n.createdAt));
}

async function writeNote(event) {
  event.preventDefault();
  const response = await fetch("api/notes", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ text: $("note-text").value }),
  });
  if (response.ok) $("note-text").value = "";
  else alert((await response.json()).detail);
  loadNotes();
}

async function askServer() {
  const response = await fetch("api/server", { cache: "no-store" });
  $("server-output").textContent = JSON.stringify(await response.json(), null, 2);
}

async function sendNotify(event) {
  event.preventDefault();
  const message = $("notify-message").value;
  const response = await fetch("api/notify", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ message }),
  });
  if (response.ok) $("notify-message").value = "";
  else alert((await response.json()).detail);
  pollNotifications(false);
}

function list(id, items, render) {
  const ul = $(id);
  ul.replaceChildren();
  for (const item of items) {
    const li = document.createElement("li");
    li.textContent = render(item);
    ul.appendChild(li);
  }
}

async function pollNotifications(again = true) {
  try {
    const feed = await (await fetch("api/notifications", { cache: "no-store" })).json();
    $("listening-on").textContent = feed.listeningOn ? feed.listeningOn : "— (" + text(feed.status) + ")";
    list("notifications", feed.notifications,
      (n) => time(n.receivedAt) + "  \"" + n.payload + "\"  (from backend " + n.senderProcessId + ")");
    list("notify-events", feed.events, (e) => e);
  } catch (e) {
    $("listening-on").textContent = "unknown (" + e + ")";
  } finally {
    if (again) setTimeout(pollNotifications, 2000);
  }
}

$("failover-button").addEventListener("click", failover);
$("server-button").addEventListener("click", askServer);
$("notify-form").addEventListener("submit", sendNotify);
$("note-form").addEventListener("submit", writeNote);
loadDemo();
pollHealth();
pollMeters();
pollWrites();
loadNotes();
pollNotifications();
