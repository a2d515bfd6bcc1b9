"""A short real scenario against a zaqar-ts REST edge, driven by python-zaqarclient.

Usage: /usr/bin/python3 zaqar_scenario.py URL PROJECT_ID CLIENT_ID QUEUE

Talks API v2 without Keystone (the client's "noauth" backend): the project goes
out as X-Project-Id and the client id as Client-ID. Prints one JSON object with
what every step returned; python-zaqarclient's own parsing must succeed for the
script to get that far (any HTTP error raises and exits non-zero).
"""
import json
import sys

from zaqarclient.queues.client import Client


def message_view(message):
    return {"id": message.id, "body": message.body, "ttl": message.ttl,
            "claim_id": message.claim_id}


def main():
    url, project, client_id, queue_name = sys.argv[1:5]
    client = Client(url, version=2, conf={
        "client_uuid": client_id,
        "auth_opts": {"backend": "noauth",
                      "options": {"os_project_id": project}},
    })
    out = {"ping": client.ping()}

    # v2 creates the queue only when asked to (force_create), like the CLI.
    queue = client.queue(queue_name, force_create=True)
    queues, _count = client.queues()
    out["queues_after_create"] = [q.name for q in queues]

    posted = queue.post([{"body": {"n": n}, "ttl": 300} for n in range(5)])
    out["posted_ids"] = [href.rsplit("/", 1)[-1] for href in posted["resources"]]

    # echo=True: this client posted them, and Zaqar hides a client's own messages otherwise.
    out["listed"] = [message_view(m) for m in queue.messages(echo=True)]
    out["fetched"] = message_view(queue.message(out["posted_ids"][0]))

    claim = queue.claim(ttl=60, grace=60, limit=3)
    claimed = list(claim)
    out["claim_id"] = claim.id
    out["claimed"] = [message_view(m) for m in claimed]
    out["stats_after_claim"] = queue.stats

    for message in claimed:
        message.delete()  # DELETE .../messages/<id>?claim_id=<claim>
    out["stats_after_delete"] = queue.stats
    out["remaining"] = [message_view(m) for m in queue.messages(echo=True)]

    queue.delete()
    queues, _count = client.queues()
    out["queues_after_delete"] = [q.name for q in queues]

    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
