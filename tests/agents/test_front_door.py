"""The language front door (`POST /api/v1/ask`) on a real `takt serve --demo`, without and with `TAKT_LLM_URL`.

Without a model, the offline parser answers alone: what it understands is planned, what it does not is refused with
the rule `not-understood`. With a model (here the stand-in of standin_llm.py, which speaks the OpenAI chat-completions
protocol and checks every request against it), what the parser understands is still the parser's, and only the rest
goes to the model, with the read and propose tools as its functions, never the decisions; the answer names each tool
it called, and what the model caused is in the log as an agent's act.

Run: python3 tests/agents/test_front_door.py .build/debug/takt
"""
import base64
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "browser"))
sys.path.insert(0, os.path.dirname(__file__))
from takt_server import TaktServer  # noqa: E402
from standin_llm import StandInModel  # noqa: E402

BINARY = None
DECISIONS = {"approve_action", "reject_action"}


def finished_item(server):
    return next(i["id"] for i in server.api("GET", "/api/v1/items")["items"] if i["kind"] == "finished")


class WithoutModel(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = TaktServer(BINARY).__enter__()
        cls.planner = cls.server.token_for("planner")

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)

    def test_the_parser_plans_what_it_understands(self):
        item = finished_item(self.server)
        answer = self.server.api("POST", "/api/v1/ask", {"text": f"fit a rush order for 5 {item} by 2026-12-10"},
                                 token=self.planner)
        self.assertEqual(answer["answeredBy"], "parser")
        self.assertEqual(answer["toolCalls"], [])
        exception = self.server.api("GET", f"/api/v1/exceptions/{answer['exception']}")
        self.assertEqual(exception["kind"], "outcome-request")
        self.assertGreaterEqual(len(exception["actions"]), 1)

    def test_what_the_parser_does_not_understand_is_refused_with_its_rule(self):
        problem = self.server.api("POST", "/api/v1/ask", {"text": "what is late and why?"}, token=self.planner, ok=(422,))
        self.assertIn("not-understood", json.dumps(problem))

    def test_an_empty_or_overlong_request_names_the_field(self):
        problem = self.server.api("POST", "/api/v1/ask", {"text": "   "}, token=self.planner, ok=(400,))
        self.assertIn("text", json.dumps(problem))
        problem = self.server.api("POST", "/api/v1/ask", {"text": "x" * 4001}, token=self.planner, ok=(400,))
        self.assertIn("max-length", json.dumps(problem))


class WithModel(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.model = StandInModel(api_key="sk-standin").__enter__()
        env = {"TAKT_LLM_URL": cls.model.base, "TAKT_LLM_MODEL": "standin-1", "TAKT_LLM_API_KEY": "sk-standin"}
        cls.server = TaktServer(BINARY, env=env).__enter__()
        cls.planner = cls.server.token_for("planner")

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)
        cls.model.__exit__(None, None, None)

    def ask(self, text, ok=(200,)):
        return self.server.api("POST", "/api/v1/ask", {"text": text}, token=self.planner, ok=ok)

    def sequence(self):
        return self.server.api("GET", "/healthz")["sequence"]

    def test_the_parser_still_answers_what_it_understands_without_asking_the_model(self):
        before = len(self.model.requests)
        answer = self.ask(f"what if PO-000002 is cancelled")
        self.assertEqual(answer["answeredBy"], "parser")
        self.assertEqual(len(self.model.requests), before)

    def test_the_model_reads_with_the_tools_and_the_answer_names_them(self):
        answer = self.ask("What is late and why?\nCALL plant_status {}\nCALL list_orders {\"verdict\": \"late\"}")
        self.assertEqual(answer["answeredBy"], "model")
        self.assertEqual(answer["model"], "standin-1")
        self.assertEqual([c["tool"] for c in answer["toolCalls"]], ["plant_status", "list_orders"])
        self.assertTrue(answer["toolCalls"][0]["ok"], answer["toolCalls"][0]["result"])
        self.assertTrue(answer["text"].startswith("Stand-in answer: "))
        # The model was offered the reads and the proposals, never the decisions.
        offered = {t["function"]["name"] for t in self.model.requests[-1]["tools"]}
        self.assertIn("plant_status", offered)
        self.assertIn("request_outcome", offered)
        self.assertFalse(offered & DECISIONS)
        self.assertEqual(self.model.malformed, [])

    def test_the_model_cannot_approve_and_nothing_is_recorded(self):
        exceptions = self.server.api("GET", "/api/v1/exceptions")["items"]
        target = next((e for e in exceptions if e.get("actions")), None)
        arguments = {"exception": target["id"], "action": target["actions"][0]["id"]} if target else {"exception": "EXC-000001", "action": "A1"}
        before = self.sequence()
        answer = self.ask("Approve it.\nCALL approve_action " + json.dumps(arguments))
        self.assertEqual(answer["answeredBy"], "model")
        call = answer["toolCalls"][0]
        self.assertFalse(call["ok"])
        self.assertIn("not-offered", call["result"])
        self.assertEqual(self.sequence(), before)

    def test_an_outcome_the_model_asks_for_is_planned_and_logged_as_its_act(self):
        item = finished_item(self.server)
        before = self.sequence()
        request = json.dumps({"request": {"kind": "rush-order", "item": item, "quantity": 3, "date": "2026-12-11T16:00:00Z"}})
        # (base64, so that the offline parser cannot read the order in the script and answer itself)
        answer = self.ask("The customer called, can we squeeze some in?\nCALL64 request_outcome " + base64.b64encode(request.encode()).decode())
        self.assertEqual(answer["answeredBy"], "model")
        self.assertTrue(answer["toolCalls"][0]["ok"], answer["toolCalls"][0]["result"])
        self.assertIsNotNone(answer["exception"])
        events = self.server.api("GET", f"/api/v1/events?after={before}&limit=500")["events"]
        acts = [e for e in events if e["type"] == "agentActed"]
        self.assertEqual(len(acts), 1)
        self.assertEqual(acts[0]["data"]["channel"], "language-model")
        self.assertEqual(acts[0]["data"]["agent"], "standin-1")
        self.assertEqual(acts[0]["data"]["user"], "planner")
        self.assertEqual(acts[0]["data"]["tool"], "request_outcome")

    def test_a_malformed_tool_call_is_answered_to_the_model_not_thrown(self):
        answer = self.ask("Look.\nCALL trace_lot {not json")
        call = answer["toolCalls"][0]
        self.assertFalse(call["ok"])
        self.assertIn("arguments", call["result"])
        self.assertEqual(answer["answeredBy"], "model")

    def test_a_failing_model_is_a_502_the_caller_may_retry(self):
        problem = self.ask("FAIL please", ok=(502,))
        self.assertIn("language-model-failed", json.dumps(problem))


if __name__ == "__main__":
    BINARY = os.path.abspath(sys.argv.pop(1)) if len(sys.argv) > 1 else os.path.abspath(".build/debug/takt")
    unittest.main(verbosity=2)
