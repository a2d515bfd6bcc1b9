"""A short scenario with python-zaqarclient's WebSocket transport (its documented
low-level use: transport.get_transport_for + request.Request), printed as JSON.

usage: zaqar_ws_scenario.py <ws url> <project> <queue>
"""
import json
import sys

from zaqarclient.transport import errors, request
from zaqarclient.transport.ws import WebsocketTransport

url, project, queue = sys.argv[1:4]
options = {"auth_opts": {"backend": "noauth", "options": {"os_auth_token": "token", "os_project_id": project}}}
ws = WebsocketTransport(options)
out = {}


def send(action, body=None):
    content = None if body is None else json.dumps(body)
    resp = ws.send(request.Request(url, action, content=content))
    return resp.status_code, json.loads(resp.content) if resp.content else None


try:
    out["create"] = send("queue_create", {"queue_name": queue, "metadata": {"owner": "py"}})
    out["get"] = send("queue_get", {"queue_name": queue})
    out["queues"] = send("queue_list")
    out["post"] = send("message_post", {"queue_name": queue, "messages": [{"ttl": 300, "body": {"n": i}} for i in range(3)]})
    out["list"] = send("message_list", {"queue_name": queue, "echo": True})
    out["claim"] = send("claim_create", {"queue_name": queue, "ttl": 60, "grace": 60, "limit": 2})
    claim = out["claim"][1]
    for m in claim["messages"]:
        send("message_delete", {"queue_name": queue, "message_id": m["id"], "claim_id": claim["claim_id"]})
    out["stats"] = send("queue_get_stats", {"queue_name": queue})
    try:
        send("message_get", {"queue_name": queue, "message_id": "5c4e2f6a1c1d4f6e9a34d1c4"})
        out["missing"] = "no error"
    except errors.ResourceNotFound as e:
        out["missing"] = ["ResourceNotFound", str(e)]
    out["delete"] = send("queue_delete", {"queue_name": queue})
finally:
    ws.cleanup()

print(json.dumps(out))
