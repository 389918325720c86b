#!/usr/bin/env python3
"""Screenshots of every page of the demo plant, by headless Chromium against a real `takt serve --demo`.

Usage: screenshots.py PATH-TO-TAKT-BINARY OUTPUT-DIRECTORY
"""
import os
import sys
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from takt_server import ADMIN_TOKEN, TaktServer, chrome, raise_demo_exception


def sign_in(driver, server, token):
    driver.delete_all_cookies()
    driver.get(server.base + "/signin")
    driver.find_element(By.ID, "token").send_keys(token + Keys.ENTER)
    time.sleep(0.3)


def shoot(driver, server, path, out, name, width=1400, min_height=900):
    driver.get(server.base + path)
    time.sleep(0.4)
    height = driver.execute_script("return Math.max(document.body.scrollHeight, document.documentElement.scrollHeight)")
    driver.set_window_size(width, max(min_height, min(height + 20, 4000)))
    time.sleep(0.2)
    file = os.path.join(out, name + ".png")
    driver.save_screenshot(file)
    driver.set_window_size(width, min_height)
    print(f"  {file}  ({path})", flush=True)


def main():
    binary, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    with TaktServer(binary) as server:
        # Bring the demo plant to life: a published schedule, an exception, someone at the mill.
        published, alt, wc = raise_demo_exception(server)
        anna = server.token_for("op-anna")
        server.api("POST", "/api/v1/work-centers/WC-MILL-1/clock-in", token=anna)
        exc = server.api("GET", "/api/v1/events?limit=1")  # warm-up
        exception_id = "EXC-000001"
        lots = server.api("GET", "/api/v1/lots?status=consumed&limit=1")["items"] or server.api("GET", "/api/v1/lots?limit=1")["items"]
        made = server.api("GET", "/api/v1/lots?limit=500")["items"]
        made_lot = next((l["id"] for l in made if l.get("productionOrder")), lots[0]["id"])
        driver = chrome()
        try:
            driver.get(server.base + "/signin")
            time.sleep(0.3)
            driver.save_screenshot(os.path.join(out, "signin.png"))
            print(f"  {out}/signin.png  (/signin)")
            sign_in(driver, server, ADMIN_TOKEN)
            pages = [
                ("/tower", "control-tower"),
                ("/schedule?zoom=day", "schedule-day"),
                ("/schedule?zoom=week", "schedule-week"),
                (f"/schedule?zoom=week&wc={wc}", "schedule-work-center"),
                (f"/schedule?compare={exception_id}/A1&zoom=week", "schedule-compare"),
                ("/exceptions", "exception-inbox"),
                (f"/exceptions/{exception_id}", "exception-detail"),
                ("/orders", "orders"),
                ("/orders/SO-10001", "order-detail"),
                (f"/genealogy?lot={made_lot}&direction=backward", "genealogy-backward"),
                ("/warehouse", "warehouse-board"),
                ("/quality", "quality-board"),
                ("/admin", "users-and-tokens"),
            ]
            for path, name in pages:
                shoot(driver, server, path, out, name)
            sign_in(driver, server, anna)
            shoot(driver, server, "/terminal", out, "terminal-index")
            shoot(driver, server, "/terminal/WC-MILL-1?order=PO-000008", out, "terminal")
        finally:
            driver.quit()


if __name__ == "__main__":
    main()
