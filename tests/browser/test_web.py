#!/usr/bin/env python3
"""Browser tests: headless Chromium drives the real `takt serve --demo`.

Usage: test_web.py PATH-TO-TAKT-BINARY
Ends with the line `browser: N passed, M failed`; exits non-zero when any failed.
"""
import http.server
import sys
import threading
import time
import traceback

from selenium.common.exceptions import StaleElementReferenceException, TimeoutException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from takt_server import ADMIN_TOKEN, SIZES, WEB_PAGES, TaktServer, chrome, free_port, real_disruption

WAIT = 15  # seconds, for every wait in these tests


def wait(driver, condition, what):
    try:
        return WebDriverWait(driver, WAIT).until(condition)
    except TimeoutException:
        raise AssertionError(f"timed out after {WAIT} s waiting for {what}; page {driver.current_url}:\n"
                             + driver.find_element(By.TAG_NAME, "body").text[:2000])


def h1(driver):
    return wait(driver, EC.presence_of_element_located((By.TAG_NAME, "h1")), "a heading").text


def sign_in(driver, server, token):
    driver.delete_all_cookies()
    driver.get(server.base + "/signin")
    field = wait(driver, EC.presence_of_element_located((By.ID, "token")), "the token field")
    # The page gives the token field the focus (autofocus, a badge scanner types into it); a loaded machine may apply it
    # a moment after the element exists, so the test waits for it, bounded.
    wait(driver, lambda d: d.switch_to.active_element == field, "the token field to have the focus (a badge scanner types into it)")
    field.send_keys(token + Keys.ENTER)  # a scanner ends with Enter
    wait(driver, lambda d: "/signin" not in d.current_url, "leaving the sign-in page")


def flash_text(driver):
    """The page's message, read again if live updates swap the page under it."""
    def read(d):
        try:
            found = d.find_elements(By.CSS_SELECTOR, ".flash")
            return found[0].text if found else False
        except (StaleElementReferenceException, WebDriverException):  # the live update swapped the page
            return False
    return wait(driver, read, "a message")


def expect_flash(driver, text):
    """Waits (bounded) for a message containing `text`; fails with the message shown instead."""
    def read(d):
        try:
            return any(text in f.text for f in d.find_elements(By.CSS_SELECTOR, ".flash"))
        except (StaleElementReferenceException, WebDriverException):  # the live update swapped the page
            return False
    try:
        WebDriverWait(driver, WAIT).until(read)
    except TimeoutException:
        raise AssertionError(f"expected a message with {text!r}; the page says: {flash_text(driver)!r}")


def test_sign_in_and_control_tower(driver, server):
    driver.get(server.base + "/tower")
    assert "/signin" in driver.current_url, "an anonymous visitor is sent to sign in"
    field = wait(driver, EC.presence_of_element_located((By.ID, "token")), "the token field")
    field.send_keys("wrong-token" + Keys.ENTER)
    expect_flash(driver, "unknown, revoked")
    sign_in(driver, server, ADMIN_TOKEN)
    assert h1(driver) == "Control tower", driver.current_url
    figures = driver.find_elements(By.CSS_SELECTOR, ".figure")
    assert len(figures) >= 6, "the control tower shows its figures"
    labels = " ".join(f.text for f in figures)
    for label in ("on-time delivery forecast", "open exceptions", "active holds", "projected shortages"):
        assert label in labels, label
    assert driver.find_elements(By.CSS_SELECTOR, "#oee table tbody tr"), "OEE by work center"
    # Each figure links to its detail.
    driver.find_element(By.XPATH, "//a[contains(@class,'figure')][.//span[text()='open exceptions']]").click()
    assert h1(driver) == "Exception inbox"
    # The cookie is HttpOnly: scripts cannot read it.
    assert "takt_session" not in driver.execute_script("return document.cookie")


def test_operator_start_to_complete(driver, server):
    anna = server.token_for("op-anna")
    warehouse = server.token_for("warehouse")
    sign_in(driver, server, anna)
    assert h1(driver) == "Operator terminal", "an operator lands on the terminal"
    assert not driver.find_elements(By.LINK_TEXT, "Users & tokens"), "no admin link for an operator"
    driver.find_element(By.LINK_TEXT, "WC-MILL-1").click()
    assert h1(driver) == "Terminal · WC-MILL-1"
    assert driver.switch_to.active_element.get_attribute("id") == "scan", "the scan field has the focus"

    # The operator scans the order's traveller: its operation comes to the top.
    driver.find_element(By.ID, "scan").send_keys("PO-000002" + Keys.ENTER)
    wait(driver, EC.presence_of_element_located((By.ID, "op-PO-000002-10")), "PO-000002 op 10 on the terminal")
    # Start without clocking in: the plant refuses, in words.
    wait(driver, EC.element_to_be_clickable((By.ID, "start-PO-000002-10")), "PO-000002 op 10 on the dispatch list").click()
    expect_flash(driver, "clock in")  # "… is not clocked in; clock in at WC-MILL-1 first"

    driver.find_element(By.ID, "clock-in").click()
    expect_flash(driver, "Clocked in")
    driver.get(server.base + "/terminal/WC-MILL-1?order=PO-000002")
    ack = driver.find_elements(By.ID, "ack-PO-000002-10")
    if ack:
        ack[0].click()
        expect_flash(driver, "Acknowledged")
        driver.get(server.base + "/terminal/WC-MILL-1?order=PO-000002")

    # Whatever still blocks the start is named on the card; material is the warehouse's job: stage it.
    card = driver.find_element(By.ID, "op-PO-000002-10")
    if "needed at" in card.text:
        lots = server.api("GET", "/api/v1/lots?item=CH-NB-32-160&location=LOC-STORE&status=available&limit=50")["items"]
        lot = sorted(lots, key=lambda l: l["id"])[0]["id"]
        server.api("POST", f"/api/v1/lots/{lot}/move", {"to": "LS-MILL-1"}, token=warehouse)
    driver.get(server.base + "/terminal/WC-MILL-1?order=PO-000002")
    driver.find_element(By.ID, "start-PO-000002-10").click()
    expect_flash(driver, "Started PO-000002 op 10")
    wait(driver, EC.presence_of_element_located((By.CSS_SELECTOR, "#op-PO-000002-10.running")), "the operation running")

    # Scan the staged castings: the terminal proposes what the operation still needs of them (never the whole lot by
    # default), and only the confirmed quantity is consumed — 30 castings for 30 housings in all.
    staged = server.api("GET", "/api/v1/lots?item=CH-NB-32-160&location=LS-MILL-1&status=available&limit=50")["items"]
    assert staged, "castings at line side"
    before = {lot["id"]: lot["quantity"] for lot in staged}
    for lot in sorted(staged, key=lambda l: l["id"]):
        driver.find_element(By.ID, "scan").send_keys(lot["id"] + Keys.ENTER)
        field = wait(driver, EC.presence_of_element_located((By.ID, "consume-quantity")), f"the quantity prompt for {lot['id']}")
        proposed = field.get_attribute("value")
        if not proposed:
            assert "needs no more" in driver.find_element(By.ID, "consume-summary").text
            driver.find_element(By.LINK_TEXT, "Cancel").click()
            continue
        assert 0 < float(proposed) <= lot["quantity"], (proposed, lot)
        driver.find_element(By.ID, "consume-confirm").click()
        expect_flash(driver, f"Consumed lot {lot['id']}")
    after = {l["id"]: l["quantity"] for l in server.api("GET", "/api/v1/lots?item=CH-NB-32-160&location=LS-MILL-1&limit=50")["items"]}
    taken = sum(q - after.get(lot, 0) for lot, q in before.items())
    assert taken == 30, f"the operation's need (30 castings) was consumed, not {taken}"

    # Report some, then complete.
    driver.find_element(By.ID, "good-PO-000002-10").send_keys("4")
    driver.find_element(By.ID, "report-PO-000002-10").click()
    expect_flash(driver, "Reported 4 good")
    driver.find_element(By.ID, "good-PO-000002-10").send_keys("4")
    driver.find_element(By.ID, "complete-PO-000002-10").click()
    expect_flash(driver, "Completed PO-000002 op 10")
    ops = server.api("GET", "/api/v1/production-orders/PO-000002/operations")["items"]
    assert ops[0]["status"] == "completed" and ops[0]["good"] == 8, ops[0]
    driver.find_element(By.ID, "clock-out").click()
    expect_flash(driver, "Clocked out")


def bars(driver):
    """The Gantt's operation bars and their x positions, read in one go (a live update may swap the page)."""
    return dict(driver.execute_script(
        "return Array.from(document.querySelectorAll('rect.op')).map(r => [r.getAttribute('data-op'), r.getAttribute('x')])"))


def test_approve_in_inbox_and_gantt_changes(driver, server):
    published, exception, wc = real_disruption(server)
    # An action that changes the plan (it carries the schedule it would publish), approved by the role it needs.
    action = next(a for a in exception["actions"] if a.get("schedule") and a["approvals"])
    role = action["approvals"][0]
    approver = server.token_for(role)  # the demo's users are named after their roles
    sign_in(driver, server, approver)
    driver.get(server.base + f"/schedule?wc={wc}&zoom=week")
    assert published["id"] in driver.find_element(By.ID, "schedule-id").text
    bars_before = bars(driver)
    assert bars_before, "the Gantt draws the published operations"

    driver.get(server.base + "/exceptions")
    assert h1(driver) == "Exception inbox"
    driver.find_element(By.CSS_SELECTOR, f"#inbox tbody tr td a[href$='{exception['id']}']").click()
    assert wc in h1(driver), h1(driver)
    driver.find_element(By.CSS_SELECTOR, f"a[href*='compare={exception['id']}%2F{action['id']}']").click()
    # One Gantt of the plan with the action: moved operations outlined where they go, dashed where they were, and listed.
    wait(driver, lambda d: "move against the published schedule" in d.find_element(By.TAG_NAME, "main").text,
         "the comparison with the published schedule")
    assert len(driver.find_elements(By.CSS_SELECTOR, "svg.gantt")) == 1
    moved = driver.find_elements(By.CSS_SELECTOR, "#moved-operations tbody tr")
    assert moved, "the operations the action moves are listed"
    driver.back()
    driver.find_element(By.ID, f"comment-{action['id']}").send_keys("Agreed in the shift meeting")
    driver.find_element(By.ID, f"approve-{action['id']}").click()
    # The approval's own message, or already the verification the orchestrator wrote after carrying it out.
    def decided(d):
        try:
            return any("Approved" in f.text or "Verification of" in f.text for f in d.find_elements(By.CSS_SELECTOR, ".flash"))
        except (StaleElementReferenceException, WebDriverException):  # the live update swapped the page
            return False
    wait(driver, decided, "the approval to be recorded")

    # The orchestrator carries out the approved action: its schedule is published and the Gantt changes.
    def new_schedule(d):
        d.get(server.base + f"/schedule?wc={wc}&zoom=week")
        return published["id"] not in d.find_element(By.ID, "schedule-id").text
    wait(driver, new_schedule, "the approved action's schedule to be published")
    bars_after = bars(driver)
    assert bars_after != bars_before, "the Gantt changed"
    detail = server.api("GET", f"/api/v1/exceptions/{exception['id']}")
    done = next(a for a in detail["actions"] if a["id"] == action["id"])
    assert done["status"] == "executed", done["status"]
    assert any(d["role"] == role and d["approved"] for d in done["decisions"]), done["decisions"]


def test_live_update(driver, server):
    sign_in(driver, server, ADMIN_TOKEN)
    driver.get(server.base + "/warehouse")
    wait(driver, lambda d: "on" in d.find_element(By.ID, "live").get_attribute("class"), "the live-update stream to connect")
    before = driver.find_element(By.CSS_SELECTOR, "#units").text
    server.api("POST", "/api/v1/commands", {"type": "createHandlingUnit", "data": {"id": "HU-LIVE-1", "kind": "pallet", "location": "LOC-STORE", "lots": []}})
    wait(driver, lambda d: "HU-LIVE-1" in d.find_element(By.CSS_SELECTOR, "#units").text, "the new pallet to appear without a reload")
    assert before != driver.find_element(By.CSS_SELECTOR, "#units").text


def test_same_site_csrf_refused(driver, server):
    """Issue 13, finding 5: a page on the same host but another port auto-posts the "issue token" form (the admin's
    SameSite=Strict cookie goes along, since the port does not make another site). Refused with 403; no token issued."""
    sign_in(driver, server, ADMIN_TOKEN)
    before = len(server.api("GET", "/api/v1/users/planner/tokens")["items"])
    attack = (f'<!DOCTYPE html><html><body><form id="f" method="post" action="{server.base}/admin/tokens">'
              '<input type="hidden" name="user" value="planner"></form>'
              '<script>document.getElementById("f").submit()</script></body></html>').encode()

    class Attacker(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(attack)))
            self.end_headers()
            self.wfile.write(attack)

        def log_message(self, *args):
            pass

    sibling = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Attacker)
    sibling.daemon_threads = True
    thread = threading.Thread(target=sibling.serve_forever, daemon=True)
    thread.start()
    try:
        driver.get(f"http://127.0.0.1:{sibling.server_address[1]}/")
        wait(driver, lambda d: d.current_url.startswith(server.base), "the forged form to reach Takt")
        assert h1(driver) == "Form refused", driver.current_url
        assert "another site" in driver.find_element(By.TAG_NAME, "body").text
    finally:
        sibling.shutdown()
        thread.join(timeout=5)
    assert len(server.api("GET", "/api/v1/users/planner/tokens")["items"]) == before, "no token was issued"
    # The genuine form still works.
    driver.get(server.base + "/admin")
    driver.find_element(By.ID, "issue-planner").click()
    expect_flash(driver, "for planner")
    assert len(server.api("GET", "/api/v1/users/planner/tokens")["items"]) == before + 1


def test_no_page_overflows(driver, server):
    """Every page fits the width of a desktop, a tablet and a phone: nothing scrolls sideways (wide tables scroll
    inside their own box)."""
    sign_in(driver, server, ADMIN_TOKEN)
    wide = []
    try:
        for name, (width, height) in SIZES.items():
            driver.set_window_size(width, height)
            for path, _ in WEB_PAGES:
                driver.get(server.base + path)
                h1(driver)
                scroll, inner = driver.execute_script(
                    "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
                if scroll > inner:
                    wide.append(f"{path} at {name} ({width} px): {scroll} px wide")
    finally:
        driver.set_window_size(*SIZES["desktop"])
    assert not wide, "pages wider than the screen:\n  " + "\n  ".join(wide)


def fill_form(driver, server, path, fields, expect):
    """Opens a setup form, fills its fields by name (text, select or checkboxes) and saves; waits for `expect`."""
    driver.get(server.base + path)
    for name, value in fields.items():
        if isinstance(value, list):  # checkboxes, one per choice, named NAME-CHOICE
            for choice in value:
                box = driver.find_element(By.NAME, f"{name}-{choice}")
                if not box.is_selected():
                    box.click()
            continue
        elements = driver.find_elements(By.NAME, name)
        assert elements, f"{path} has a field {name}"
        element = elements[0]
        if element.tag_name == "select":
            Select(element).select_by_value(value)
        else:
            element.clear()
            element.send_keys(value)
    driver.find_element(By.ID, "save").click()
    expect_flash(driver, expect)


def test_plant_from_empty(driver, binary):
    """A plant set up from an empty database through the web app: forms for the site, skill, work center, locations,
    BOM, routing, customer and an operator; one CSV import for the items (checked first, then applied). The plant's
    own answers (the API) then hold exactly what was entered. Then one order runs through it (run_one_order)."""
    with TaktServer(binary, demo=False) as server:
        sign_in(driver, server, ADMIN_TOKEN)
        fill_form(driver, server, "/setup/sites/form", {"id": "S1", "name": "Werk Nord", "timeZone": "Europe/Berlin"}, "S1")
        fill_form(driver, server, "/setup/skills/form", {"id": "MILL", "name": "Milling"}, "MILL")
        fill_form(driver, server, "/setup/work-centers/form",
                  {"id": "WC-M1", "name": "Mill 1", "site": "S1", "kind": "machining",
                   "shifts": "Day; mon-sun; 00:00; 24:00"}, "WC-M1")
        fill_form(driver, server, "/setup/locations/form",
                  {"id": "LOC-STORE", "name": "Store", "site": "S1", "kind": "store"}, "LOC-STORE")
        fill_form(driver, server, "/setup/locations/form",
                  {"id": "LS-M1", "name": "Beside mill 1", "site": "S1", "kind": "line-side", "workCenter": "WC-M1"}, "LS-M1")
        fill_form(driver, server, "/setup/locations/form",
                  {"id": "LOC-SHIP", "name": "Shipping", "site": "S1", "kind": "shipping"}, "LOC-SHIP")
        fill_form(driver, server, "/setup/locations/form",
                  {"id": "LOC-RECV", "name": "Goods in", "site": "S1", "kind": "receiving"}, "LOC-RECV")
        # One CSV import: a file with a mistake is checked and refused whole, naming the row and column; then the right one.
        driver.get(server.base + "/setup/items")
        driver.find_element(By.CSS_SELECTOR, "details.import summary").click()
        area = driver.find_element(By.CSS_SELECTOR, "form#import textarea")
        area.send_keys("id,name,kind,unit\nBAR-1,Bar stock,purchased,ea\nFLANGE-1,Flange,finishd,ea\n")
        driver.find_element(By.ID, "check").click()

        def checked(d):  # the check's answer, read again if the page is swapped while reading it
            try:
                text = d.find_element(By.TAG_NAME, "main").text
            except (StaleElementReferenceException, WebDriverException):  # the live update swapped the page
                return False
            return text if "finishd" in text and "row" in text.lower() else False
        wait(driver, checked, "the import check to name the wrong kind and its row")
        assert not server.api("GET", "/api/v1/items")["items"], "a file with a mistake applies nothing"
        area = driver.find_element(By.CSS_SELECTOR, "form#import textarea")
        area.clear()
        area.send_keys("id,name,kind,unit\nBAR-1,Bar stock,purchased,ea\nFLANGE-1,Flange,finished,ea\n")
        driver.find_element(By.ID, "check").click()
        wait(driver, EC.element_to_be_clickable((By.CSS_SELECTOR, "#apply-form button")), "the Apply button").click()
        wait(driver, lambda d: len(server.api("GET", "/api/v1/items")["items"]) == 2, "the two items to be imported")
        fill_form(driver, server, "/setup/boms/form",
                  {"id": "BOM-FLANGE-1", "item": "FLANGE-1", "components": "BAR-1; 1"}, "BOM-FLANGE-1")
        fill_form(driver, server, "/setup/routings/form",
                  {"id": "RT-FLANGE-1", "item": "FLANGE-1", "operations": "10; Mill flange; WC-M1 10 2; MILL"}, "RT-FLANGE-1")
        fill_form(driver, server, "/setup/customers/form", {"id": "C1", "name": "Pumpen AG"}, "C1")
        fill_form(driver, server, "/admin/users/form",
                  {"id": "op-eva", "name": "Eva Brandt", "roles": ["operator"], "certifications": "MILL"}, "op-eva")
        # What the plant now holds, read through its API.
        assert server.api("GET", "/api/v1/sites/S1")["timeZone"] == "Europe/Berlin"
        wc = server.api("GET", "/api/v1/work-centers/WC-M1")
        assert wc["site"] == "S1" and wc["shifts"] and wc["shifts"][0]["start"] == "00:00", wc
        routing = server.api("GET", "/api/v1/routings/RT-FLANGE-1")
        op = routing["operations"][0]
        assert op["sequence"] == 10 and op["workCenters"][0]["workCenter"] == "WC-M1" and op["requiredSkill"] == "MILL", routing
        assert server.api("GET", "/api/v1/boms/BOM-FLANGE-1")["components"][0]["item"] == "BAR-1"
        user = server.api("GET", "/api/v1/users/op-eva")
        assert user["roles"] == ["operator"] and [c["skill"] for c in user["certifications"]] == ["MILL"], user
        run_one_order(driver, server)


def run_one_order(driver, server):
    """One order through the plant set up above: goods received on the warehouse board, the order staged, run on the
    terminal with its lot booked, inspected on the quality board, shipped, and the control tower's figures after."""
    # Goods in, on the warehouse board.
    driver.get(server.base + "/warehouse")
    for name, value in {"item": "BAR-1", "supplier": "Stahl GmbH", "id": "LOT-BAR-1", "quantity": "10",
                        "supplierLot": "S-77", "deliveryNote": "DN-4711"}.items():
        driver.find_element(By.ID, f"receive-unplanned-{name}").send_keys(value)
    Select(driver.find_element(By.ID, "receive-unplanned-location")).select_by_value("LOC-RECV")
    driver.find_element(By.ID, "receive-unplanned-submit").click()
    expect_flash(driver, "LOT-BAR-1")
    assert server.api("GET", "/api/v1/lots/LOT-BAR-1")["quantity"] == 10
    # The order (the web app has no order entry yet: a customer order and its production order through the API).
    due = server.api("GET", "/api/v1/kpis")["at"][:10]
    server.api("POST", "/api/v1/sales-orders",
               {"id": "SO-1", "customer": "C1", "lines": [{"line": 10, "item": "FLANGE-1", "quantity": 4, "requestedDate": due}]})
    server.api("POST", "/api/v1/production-orders",
               {"id": "PO-1", "item": "FLANGE-1", "quantity": 4, "dueDate": due, "pegging": {"salesOrder": "SO-1", "line": 10}})
    server.api("POST", "/api/v1/production-orders/PO-1/release", {})
    # Staging on the warehouse board: pick the bars for the mill and confirm them at its line side.
    driver.get(server.base + "/warehouse")
    tasks = server.api("GET", "/api/v1/staging-tasks?productionOrder=PO-1")["items"]
    assert tasks, "releasing PO-1 asks the warehouse to stage its bars"
    task = tasks[0]["task"]["id"]
    driver.find_element(By.ID, f"pick-{task}").click()
    expect_flash(driver, task)
    driver.find_element(By.ID, f"confirm-{task}").click()
    expect_flash(driver, task)
    # The terminal, as the operator set up above.
    eva = server.token_for("op-eva")
    sign_in(driver, server, eva)
    driver.get(server.base + "/terminal/WC-M1")
    driver.find_element(By.ID, "clock-in").click()
    expect_flash(driver, "Clocked in")
    driver.find_element(By.ID, "start-PO-1-10").click()
    expect_flash(driver, "Started PO-1 op 10")
    driver.find_element(By.ID, "scan").send_keys("LOT-BAR-1" + Keys.ENTER)
    wait(driver, EC.presence_of_element_located((By.ID, "consume-quantity")), "the quantity prompt")
    driver.find_element(By.ID, "consume-confirm").click()
    expect_flash(driver, "Consumed lot LOT-BAR-1")
    driver.find_element(By.ID, "good-PO-1-10").send_keys("4")
    driver.find_element(By.ID, "report-PO-1-10").click()
    expect_flash(driver, "Reported 4 good")
    # Book the lot the operation made, as the terminal proposes it (the good quantity not yet booked), then complete.
    book = driver.find_element(By.ID, "book-PO-1-10")
    if book.get_attribute("open") is None:
        book.find_element(By.TAG_NAME, "summary").click()
    wait(driver, EC.element_to_be_clickable((By.ID, "produce-PO-1-10")), "the booking form").click()
    expect_flash(driver, "PO-1")
    driver.find_element(By.ID, "complete-PO-1-10").click()
    expect_flash(driver, "Completed PO-1 op 10")
    made = server.api("GET", "/api/v1/lots?productionOrder=PO-1")["items"]
    assert made and made[0]["quantity"] == 4, made
    lot = made[0]["id"]
    # Quality: a plan for the flange (plans are set up through the API or CSV), its inspection recorded on the board.
    sign_in(driver, server, ADMIN_TOKEN)
    server.api("POST", "/api/v1/inspection-plans", {
        "id": "IP-FLANGE-1", "name": "Flange final check", "item": "FLANGE-1", "sampleSize": 1,
        "characteristics": [{"id": "OD", "name": "Outer diameter", "kind": "variable", "lowerLimit": 99.5, "upperLimit": 100.5,
                             "unit": "mm"}]})
    driver.get(server.base + "/quality?plan=IP-FLANGE-1")
    form = wait(driver, EC.presence_of_element_located((By.CSS_SELECTOR, "form.inspection")), "the inspection form")
    form.find_element(By.NAME, "lot").send_keys(lot)
    form.find_element(By.NAME, "m.OD.1").send_keys("100.1")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    expect_flash(driver, "pass")
    # Shipping, on the warehouse board.
    driver.get(server.base + "/warehouse")
    lots = driver.find_element(By.ID, "ship-SO-1-10-lots")
    lots.clear()
    lots.send_keys(lot)
    driver.find_element(By.ID, "ship-SO-1-10-submit").click()
    expect_flash(driver, "SO-1")
    assert server.api("GET", f"/api/v1/lots/{lot}")["status"] == "shipped"
    # The control tower afterwards: the line delivered on time this week, one operation's scrap-free OEE, nothing late.
    driver.get(server.base + "/tower")
    week = driver.find_element(By.ID, "chart-delivery").text
    assert "(1 of 1)" in driver.page_source, week[:500]
    kpis = server.api("GET", "/api/v1/kpis")
    assert kpis["delivery"]["late"] == 0, kpis["delivery"]


TESTS = [test_sign_in_and_control_tower, test_operator_start_to_complete, test_approve_in_inbox_and_gantt_changes, test_live_update,
         test_same_site_csrf_refused, test_no_page_overflows]


def main():
    binary = sys.argv[1]
    only = sys.argv[2:]
    passed = failed = 0
    with TaktServer(binary) as server:
        driver = chrome()
        try:
            for test in TESTS + [test_plant_from_empty]:
                if only and test.__name__ not in only:
                    continue
                started = time.time()
                try:
                    test(driver, binary if test is test_plant_from_empty else server)
                    passed += 1
                    print(f"  ✔ {test.__name__} ({time.time() - started:.1f} s)", flush=True)
                except Exception:
                    failed += 1
                    print(f"  ✘ {test.__name__} ({time.time() - started:.1f} s)", flush=True)
                    traceback.print_exc()
        finally:
            driver.quit()
    print(f"browser: {passed} passed, {failed} failed", flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
