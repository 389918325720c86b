#!/usr/bin/env python3
"""Screenshots of every page of the demo plant at three sizes (desktop 1400×900 as NAME.png, tablet 1024×768 as
NAME-tablet.png, phone 390×844 as NAME-phone.png), by headless Chromium against a real `takt serve --demo`. A page wider
than the screen is reported and the script exits 1.

Usage: screenshots.py PATH-TO-TAKT-BINARY OUTPUT-DIRECTORY
"""
import os
import sys
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from takt_server import ADMIN_TOKEN, SIZES, WEB_PAGES, TaktServer, chrome, real_disruption


def sign_in(driver, server, token):
    driver.delete_all_cookies()
    driver.get(server.base + "/signin")
    driver.find_element(By.ID, "token").send_keys(token + Keys.ENTER)
    time.sleep(0.3)


OVERFLOWS = []


def shoot(driver, server, path, out, name):
    for size, (width, min_height) in SIZES.items():
        driver.set_window_size(width, min_height)
        driver.get(server.base + path)
        time.sleep(0.4)
        scroll, inner = driver.execute_script(
            "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        if scroll > inner:
            OVERFLOWS.append(f"{path} at {size}: {scroll} px wide on a {inner} px screen")
        height = driver.execute_script("return Math.max(document.body.scrollHeight, document.documentElement.scrollHeight)")
        driver.set_window_size(width, max(min_height, min(height + 20, 4000)))
        time.sleep(0.2)
        file = os.path.join(out, name + ("" if size == "desktop" else f"-{size}") + ".png")
        driver.save_screenshot(file)
        print(f"  {file}  ({path})", flush=True)
    driver.set_window_size(*SIZES["desktop"])


def main():
    binary, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    with TaktServer(binary) as server:
        # Bring the demo plant to life: a published schedule, an exception, someone at the mill.
        published, exception, wc = real_disruption(server)
        anna = server.token_for("op-anna")
        server.api("POST", "/api/v1/work-centers/WC-MILL-1/clock-in", token=anna)
        exception_id = exception["id"]
        # The best-ranked action that changes the plan, drawn beside the published schedule.
        compare = next((a["id"] for a in exception["actions"] if a.get("schedule")), None)
        assert compare, "the slowdown's exception proposes an action with a schedule"
        # Anna mills PO-000002's flanges (as in tests/browser/test_web.py), so genealogy has a story to draw.
        warehouse = server.token_for("warehouse")
        op = "/api/v1/production-orders/PO-000002/operations/10"
        server.api("POST", "/api/v1/work-instructions/WI-MACH-210/acknowledge", {"revision": "B"}, token=anna)
        store = server.api("GET", "/api/v1/lots?item=CH-NB-32-160&location=LOC-STORE&status=available&limit=50")["items"]
        server.api("POST", f"/api/v1/lots/{sorted(l['id'] for l in store)[0]}/move", {"to": "LS-MILL-1"}, token=warehouse)
        server.api("POST", op + "/start", {}, token=anna)
        for lot in server.api("GET", "/api/v1/lots?item=CH-NB-32-160&location=LS-MILL-1&status=available&limit=50")["items"]:
            # What the operation still needs of the lot, as the terminal proposes it.
            proposal = server.api("GET", op + f"/consumption-proposal?lot={lot['id']}", token=anna)
            if proposal["proposed"] > 0 and not proposal["blockers"]:
                server.api("POST", op + "/consume", {"lot": lot["id"], "quantity": proposal["proposed"]}, token=anna)
        server.api("POST", op + "/report", {"good": 4, "scrap": 1, "scrapReason": "porosity"}, token=anna)
        server.api("POST", op + "/complete", {"good": 4}, token=anna)
        server.api("POST", op + "/produce", {"lot": "MH-PO2-001", "quantity": 8, "location": "LS-LATHE-1"}, token=anna)
        made_lot = "MH-PO2-001"
        driver = chrome()
        try:
            driver.get(server.base + "/signin")
            time.sleep(0.3)
            driver.save_screenshot(os.path.join(out, "signin.png"))
            print(f"  {out}/signin.png  (/signin)")
            sign_in(driver, server, ADMIN_TOKEN)
            pages = [p for p in WEB_PAGES if not p[0].startswith("/terminal") and p[0] != "/genealogy"] + [
                (f"/schedule?zoom=week&wc={wc}", "schedule-work-center"),
                (f"/schedule?compare={exception_id}/{compare}&zoom=week", "schedule-compare"),
                (f"/exceptions/{exception_id}", "exception-detail"),
                (f"/genealogy?lot={made_lot}&direction=backward", "genealogy-backward"),
            ]
            for path, name in pages:
                shoot(driver, server, path, out, name)
            sign_in(driver, server, anna)
            for path, name in WEB_PAGES:
                if path.startswith("/terminal"):
                    shoot(driver, server, path, out, name)
        finally:
            driver.quit()
    if OVERFLOWS:
        print("pages wider than the screen:\n  " + "\n  ".join(OVERFLOWS))
        sys.exit(1)


if __name__ == "__main__":
    main()
