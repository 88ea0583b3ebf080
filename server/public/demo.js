// The embed line on the demo page names this server.
document.getElementById('origin').textContent = location.origin;
