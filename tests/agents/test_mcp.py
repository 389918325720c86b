"""Agents through the MCP server, with the PyPI `mcp` client as a real peer: `POST /mcp` on a real `takt serve --demo`,
and `takt mcp` on stdio carrying the same messages to it.

An agent acts as the user whose token it holds: it reads, asks for outcomes, and approves only when that user holds a
role the approval policy asks for; a refused approval records nothing; what it causes is in the log with its name.

Run: python3 tests/agents/test_mcp.py .build/debug/takt   (needs `pip install mcp==2.3.0`; scripts/test makes a venv)
"""
import asyncio
import contextlib
import json
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "browser"))
from takt_server import TaktServer  # noqa: E402

from mcp import ClientSession, StdioServerParameters  # noqa: E402
from mcp.client.stdio import stdio_client  # noqa: E402
from mcp.client.streamable_http import create_mcp_http_client, streamable_http_client  # noqa: E402

BINARY = None


def text_of(result):
    return "\n".join(c.text for c in result.content if getattr(c, "type", "") == "text")


@contextlib.asynccontextmanager
async def http_agent(server, token):
    """An MCP session over the Streamable HTTP transport with a bearer token."""
    async with create_mcp_http_client(headers={"Authorization": "Bearer " + token}) as http:
        async with streamable_http_client(server.base + "/mcp", http_client=http) as streams:
            async with ClientSession(streams[0], streams[1]) as session:
                await session.initialize()
                yield session


class MCPTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = TaktServer(BINARY).__enter__()
        s = cls.server
        cls.planner = s.api("POST", "/api/v1/users/planner/tokens", {"label": "planning-agent"})
        cls.sales = s.api("POST", "/api/v1/users/sales/tokens", {"label": "sales-agent"})
        cls.watcher = s.api("POST", "/api/v1/users/planner/tokens", {"label": "dashboard-agent", "readOnly": True})
        items = s.api("GET", "/api/v1/items")["items"]
        cls.finished = next(i["id"] for i in items if i["kind"] == "finished")

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)

    def sequence(self):
        return self.server.api("GET", "/healthz")["sequence"]

    def events_after(self, sequence):
        return self.server.api("GET", f"/api/v1/events?after={sequence}&limit=500")["events"]

    def test_an_agent_reads_the_plant_as_the_control_tower_does(self):
        async def run():
            async with http_agent(self.server, self.sales["secret"]) as agent:
                tools = {t.name: t for t in (await agent.list_tools()).tools}
                for name in ("plant_status", "list_orders", "dispatch_list", "work_center_schedule", "list_exceptions",
                             "get_exception", "trace_lot", "oee", "stock_and_shortages", "list_holds",
                             "request_outcome", "recommend_action", "approve_action", "reject_action"):
                    self.assertIn(name, tools)
                self.assertTrue(tools["plant_status"].annotations.read_only_hint)
                self.assertTrue(tools["approve_action"].annotations.destructive_hint)
                self.assertEqual(tools["dispatch_list"].input_schema["required"], ["workCenter"])
                status = await agent.call_tool("plant_status", {})
                self.assertFalse(status.is_error, text_of(status))
                kpis = self.server.api("GET", "/api/v1/kpis")
                data = status.structured_content
                # One definition, the same number everywhere it appears.
                for key in ("ordersInProgress", "openExceptions", "activeHolds", "projectedShortages"):
                    self.assertEqual(data[key], kpis[key], key)
                self.assertEqual(data["delivery"]["late"], kpis["delivery"]["late"])
                self.assertIn(f"Orders in progress: {kpis['ordersInProgress']}", text_of(status))
                late = await agent.call_tool("list_orders", {"verdict": "late"})
                self.assertFalse(late.is_error, text_of(late))
                self.assertTrue(all(o["verdict"] == "late" for o in late.structured_content["items"]))
                # Bad arguments are named, with the rule; nothing stops.
                bad = await agent.call_tool("trace_lot", {})
                self.assertTrue(bad.is_error)
                self.assertIn("lot: required", text_of(bad))
                bad = await agent.call_tool("list_orders", {"verdict": "soon"})
                self.assertTrue(bad.is_error)
                self.assertIn("verdict: must be one of", text_of(bad))
                bad = await agent.call_tool("oee", {"workCenter": "WC-NOWHERE"})
                self.assertIn("does not exist", text_of(bad))
                bad = await agent.call_tool("list_holds", {"colour": "red"})
                self.assertIn("colour: not an argument", text_of(bad))
                bad = await agent.call_tool("no_such_tool", {})
                self.assertTrue(bad.is_error)
                resources = {r.uri for r in (await agent.list_resources()).resources}
                self.assertIn("takt://plant/approval-policy", resources)
                policy = await agent.read_resource("takt://plant/approval-policy")
                json.loads(policy.contents[0].text)
                prompts = {p.name for p in (await agent.list_prompts()).prompts}
                self.assertEqual(prompts, {"what_is_late", "handle_exception", "rush_order"})
                prompt = await agent.get_prompt("handle_exception", {"exception": "EXC-000001"})
                self.assertIn("EXC-000001", prompt.messages[0].content.text)

        asyncio.run(run())

    def test_an_agent_asks_for_an_outcome_and_may_approve_only_with_the_role(self):
        async def run():
            async with http_agent(self.server, self.sales["secret"]) as sales, http_agent(self.server, self.planner["secret"]) as planner:
                asked = await sales.call_tool(
                    "request_outcome", {"text": f"fit a rush order for 5 {self.finished} by 2026-12-10"})
                self.assertFalse(asked.is_error, text_of(asked))
                exception = asked.structured_content
                self.assertEqual(exception["kind"], "outcome-request")
                self.assertGreaterEqual(len(exception["actions"]), 1)
                option = next(a for a in exception["actions"] if a["pendingApprovals"] == ["planner"])
                # The sales agent may ask, not approve: refused, and nothing is recorded.
                before = self.sequence()
                refused = await sales.call_tool("approve_action", {"exception": exception["id"], "action": option["id"]})
                self.assertTrue(refused.is_error)
                self.assertIn("needs approval by planner", text_of(refused))
                self.assertIn("[approval-role]", text_of(refused))
                self.assertEqual(self.sequence(), before)
                # The sales agent may propose the option to the planner, with its reasons.
                proposed = await sales.call_tool(
                    "recommend_action",
                    {"exception": exception["id"], "action": option["id"], "comment": "the customer accepts this date"})
                self.assertFalse(proposed.is_error, text_of(proposed))
                # The planner's agent may approve: executed, and the log names the agent.
                approved = await planner.call_tool(
                    "approve_action", {"exception": exception["id"], "action": option["id"], "comment": "as the customer asked"})
                self.assertFalse(approved.is_error, text_of(approved))
                events = self.events_after(before)
                acts = [e for e in events if e["type"] == "agentActed"]
                self.assertEqual([a["data"]["tool"] for a in acts], ["recommend_action", "approve_action"])
                self.assertEqual(acts[1]["data"]["agent"], "planning-agent")
                self.assertEqual(acts[1]["data"]["token"], self.planner["token"]["id"])
                self.assertEqual(acts[1]["data"]["user"], "planner")
                self.assertEqual(acts[1]["data"]["channel"], "mcp")
                approval = next(e for e in events if e["type"] == "actionApproved")
                self.assertEqual(approval["correlationId"], acts[1]["correlationId"])
                self.assertEqual(approval["actor"], "planner")
                # The orchestrator carries the approved plan out (a new schedule is published).
                for _ in range(300):
                    e = self.server.api("GET", f"/api/v1/exceptions/{exception['id']}")
                    if e["status"] in ("executing", "resolved"):
                        break
                    await asyncio.sleep(0.1)
                self.assertIn(e["status"], ("executing", "resolved"))
                action = next(a for a in e["actions"] if a["id"] == option["id"])
                self.assertEqual(action["recommendations"][0]["by"], "sales")

        asyncio.run(run())

    def test_a_read_only_token_only_reads(self):
        async def run():
            async with http_agent(self.server, self.watcher["secret"]) as agent:
                names = {t.name for t in (await agent.list_tools()).tools}
                self.assertIn("plant_status", names)
                self.assertNotIn("approve_action", names)
                self.assertNotIn("request_outcome", names)
                before = self.sequence()
                refused = await agent.call_tool("request_outcome", {"text": f"fit a rush order for 1 {self.finished} by 2026-12-10"})
                self.assertTrue(refused.is_error)
                self.assertIn("read-only", text_of(refused))
                self.assertEqual(self.sequence(), before)

        asyncio.run(run())
        # The same token through the API: reads, never writes.
        self.server.api("GET", "/api/v1/kpis", token=self.watcher["secret"])
        refusal = self.server.api("POST", "/api/v1/outcome-requests", {"text": "what if PO-000001 is cancelled"},
                                  token=self.watcher["secret"], ok=(403,))
        self.assertIn("read-only", refusal["detail"])

    def test_mcp_refuses_without_a_valid_token(self):
        import urllib.request, urllib.error
        body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}).encode()
        for headers in ({}, {"Authorization": "Bearer wrong"}):
            req = urllib.request.Request(self.server.base + "/mcp", data=body, method="POST",
                                         headers=dict(headers, **{"Content-Type": "application/json",
                                                                  "Accept": "application/json, text/event-stream"}))
            with self.assertRaises(urllib.error.HTTPError) as caught:
                urllib.request.urlopen(req, timeout=30)
            self.assertEqual(caught.exception.code, 401)

    def test_a_desktop_agent_on_stdio_reaches_the_same_server(self):
        async def run():
            params = StdioServerParameters(
                command=BINARY, args=["mcp", "--server", self.server.base],
                env={"TAKT_TOKEN": self.planner["secret"], "PATH": os.environ.get("PATH", "")})
            async with stdio_client(params) as (read, write):
                async with ClientSession(read, write) as agent:
                    info = await agent.initialize()
                    self.assertEqual(info.server_info.name, "takt")
                    names = {t.name for t in (await agent.list_tools()).tools}
                    self.assertIn("approve_action", names)
                    status = await agent.call_tool("plant_status", {})
                    self.assertFalse(status.is_error, text_of(status))
                    before = self.sequence()
                    asked = await agent.call_tool("request_outcome", {"text": "what if PO-000002 is cancelled"})
                    self.assertFalse(asked.is_error, text_of(asked))
                    acts = [e for e in self.events_after(before) if e["type"] == "agentActed"]
                    self.assertEqual(len(acts), 1)
                    self.assertEqual(acts[0]["data"]["tool"], "request_outcome")
                    self.assertIn("takt-mcp-stdio", acts[0]["data"]["client"])

        asyncio.run(run())

    def test_takt_mcp_without_a_token_says_what_is_missing(self):
        env = {k: v for k, v in os.environ.items() if k != "TAKT_TOKEN"}
        done = subprocess.run([BINARY, "mcp", "--server", self.server.base], input="", capture_output=True, text=True,
                              env=env, timeout=60)
        self.assertEqual(done.returncode, 2)
        self.assertIn("TAKT_TOKEN", done.stderr)
        self.assertEqual(done.stdout, "")
        done = subprocess.run([BINARY, "mcp", "--server", "ftp://x"], input="", capture_output=True, text=True,
                              env=dict(env, TAKT_TOKEN="x"), timeout=60)
        self.assertEqual(done.returncode, 2)
        self.assertIn("--server must be an http or https URL", done.stderr)

    def test_takt_mcp_says_at_once_when_the_server_is_not_there(self):
        import socket
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]  # closed again: nothing listens there
        request = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}) + "\n"
        done = subprocess.run([BINARY, "mcp", "--server", f"http://127.0.0.1:{port}"], input=request, capture_output=True,
                              text=True, env=dict(os.environ, TAKT_TOKEN="x"), timeout=60)
        answer = json.loads(done.stdout.splitlines()[0])
        self.assertEqual(answer["id"], 1)
        self.assertIn(f"cannot reach the Takt server at http://127.0.0.1:{port}", answer["error"]["message"])


if __name__ == "__main__":
    BINARY = os.path.abspath(sys.argv.pop(1)) if len(sys.argv) > 1 else os.path.abspath(".build/debug/takt")
    unittest.main(verbosity=2)
