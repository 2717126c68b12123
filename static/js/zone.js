// Create forms send the browser's time zone, so a new workflow runs on its creator's clock rather than UTC.
const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
for (const input of document.querySelectorAll('input[name="timezone"]')) input.value = zone;
