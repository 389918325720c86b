"""A stand-in for an OpenAI-compatible chat-completions server: a test fixture, not a product feature.

It speaks the wire protocol Takt's language front door uses (POST <base>/chat/completions with `model`, `messages` and
`tools`; answers with `choices[0].message`, its `content` or its `tool_calls`), checks every request against that
protocol (a malformed one is answered 400 and counted), and keeps what it was sent for the test to read.

Its "model" is a script the user's words carry, so a test decides what it does:
- a line `CALL <tool> <json arguments>` in the user's message makes it call that tool (several lines, several calls);
  `CALL64 <tool> <base64 of the json>` does the same with arguments Takt's offline parser cannot read;
- once the tools have answered, it answers in words, quoting the first line of each tool's answer;
- `FAIL` in the user's message makes it answer 500; no `CALL` line, an answer in words without tools.
"""
import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class StandInModel:
    def __init__(self, api_key=None):
        self.api_key = api_key
        self.requests = []  # the bodies of well-formed requests, in order
        self.malformed = []  # why requests were refused
        self._lock = threading.Lock()
        model = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(min(length, 8 * 1024 * 1024))
                if self.path.rstrip("/") != "/v1/chat/completions":
                    return self.answer(404, {"error": {"message": f"no route {self.path}"}})
                if model.api_key is not None and self.headers.get("Authorization") != "Bearer " + model.api_key:
                    return self.answer(401, {"error": {"message": "missing or wrong API key"}})
                try:
                    body = json.loads(raw)
                    problem = StandInModel.check(body)
                except ValueError as error:
                    problem = f"not JSON: {error}"
                if problem:
                    with model._lock:
                        model.malformed.append(problem)
                    return self.answer(400, {"error": {"message": problem}})
                with model._lock:
                    model.requests.append(body)
                status, reply = StandInModel.reply(body)
                self.answer(status, reply)

            def answer(self, status, payload):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()

    @staticmethod
    def check(body):
        """Why a request breaks the chat-completions protocol, or None."""
        if not isinstance(body, dict):
            return "the body is not an object"
        if not isinstance(body.get("model"), str) or not body["model"]:
            return "model: a non-empty string is required"
        messages = body.get("messages")
        if not isinstance(messages, list) or not messages:
            return "messages: a non-empty array is required"
        for i, m in enumerate(messages):
            role = m.get("role") if isinstance(m, dict) else None
            if role not in ("system", "user", "assistant", "tool"):
                return f"messages[{i}].role: one of system, user, assistant, tool"
            if role == "tool" and not isinstance(m.get("tool_call_id"), str):
                return f"messages[{i}].tool_call_id: a tool message answers a call"
            if role == "assistant":
                for call in m.get("tool_calls") or []:
                    fn = call.get("function") or {}
                    if call.get("type") != "function" or not isinstance(fn.get("arguments"), str):
                        return f"messages[{i}].tool_calls: type function with arguments as a JSON string"
            elif not isinstance(m.get("content"), str):
                return f"messages[{i}].content: a string is required"
        for i, tool in enumerate(body.get("tools") or []):
            fn = tool.get("function") if isinstance(tool, dict) else None
            if tool.get("type") != "function" or not isinstance(fn, dict) or not fn.get("name"):
                return f"tools[{i}]: {{type: function, function: {{name, description, parameters}}}}"
            if not isinstance(fn.get("parameters"), dict) or fn["parameters"].get("type") != "object":
                return f"tools[{i}].function.parameters: a JSON schema of type object"
        return None

    @staticmethod
    def reply(body):
        messages = body["messages"]
        user = next(m["content"] for m in reversed(messages) if m["role"] == "user")
        if "FAIL" in user:
            return 500, {"error": {"message": "the stand-in model was told to fail"}}
        last = messages[-1]
        if last["role"] == "tool":
            answers = []
            for m in messages:
                if m["role"] == "tool":
                    answers.append((m["content"] or "").splitlines()[0] if m["content"] else "")
            return 200, StandInModel.completion(body, {"role": "assistant", "content": "Stand-in answer: " + " | ".join(answers)})
        calls = []
        for line in user.splitlines():
            line = line.strip()
            if line.startswith("CALL ") or line.startswith("CALL64 "):
                parts = line.split(" ", 2)[1:]
                arguments = parts[1] if len(parts) > 1 else "{}"
                if line.startswith("CALL64 "):
                    arguments = base64.b64decode(arguments).decode()
                calls.append({"id": f"call_{len(calls) + 1}", "type": "function",
                              "function": {"name": parts[0], "arguments": arguments}})
        if not calls:
            return 200, StandInModel.completion(body, {"role": "assistant", "content": "I have no tool to call for that."})
        return 200, StandInModel.completion(body, {"role": "assistant", "content": None, "tool_calls": calls}, "tool_calls")

    @staticmethod
    def completion(body, message, finish="stop"):
        return {"id": "chatcmpl-standin", "object": "chat.completion", "model": body["model"],
                "choices": [{"index": 0, "message": message, "finish_reason": finish}]}
