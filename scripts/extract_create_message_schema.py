#!/usr/bin/env python3
"""Extracts what a CreateMessage request must look like from Twilio's OpenAPI spec.

Usage (from the repository root, with the shared docs checked out beside it):

    python3 scripts/extract_create_message_schema.py \
        ../shared/twilio/twilio_api_v2010.json > tests/data/twilio_create_message_schema.json

The output keeps facts only: the operation's method, path, path parameter schema, security
scheme, content type and request body schema, with every $ref resolved and descriptions
dropped. The spec requires only `To`; the rules "one of From / MessagingServiceSid" and "one of
Body / MediaUrl / ContentSid" are Twilio's documented behaviour (errors 21603 and 21602, see
PROTOCOL.md) and are added as a JSON Schema `allOf` of `anyOf` required sets, marked as such.
CI reads only the output file.
"""

import json
import sys

PATH = "/2010-04-01/Accounts/{AccountSid}/Messages.json"
CONTENT_TYPE = "application/x-www-form-urlencoded"
ONE_OF_REQUIRED = [["From", "MessagingServiceSid"], ["Body", "MediaUrl", "ContentSid"]]


def resolve(node, spec):
    """The node with every $ref replaced by its target and every description dropped."""
    if isinstance(node, dict):
        if "$ref" in node:
            target = spec
            for part in node["$ref"].lstrip("#/").split("/"):
                target = target[part]
            return resolve(target, spec)
        return {key: resolve(value, spec) for key, value in node.items() if key != "description"}
    if isinstance(node, list):
        return [resolve(item, spec) for item in node]
    return node


def extract(spec):
    operation = spec["paths"][PATH]["post"]
    body = resolve(operation["requestBody"]["content"][CONTENT_TYPE]["schema"], spec)
    body["allOf"] = [{"anyOf": [{"required": [name]} for name in names]}
                     for names in ONE_OF_REQUIRED]
    body["x-verity-allOf-source"] = (
        "not in the OpenAPI schema: Twilio's documented rules, errors 21603 (From or "
        "MessagingServiceSid) and 21602 (Body, MediaUrl or ContentSid); PROTOCOL.md")
    schemes = spec["components"]["securitySchemes"]
    security = [resolve(schemes[name], spec) for entry in operation["security"] for name in entry]
    return {
        "source": "twilio_api_v2010.json (twilio-oai d50069b4), operationId "
                  + operation["operationId"] + "; scripts/extract_create_message_schema.py",
        "operationId": operation["operationId"],
        "method": "POST",
        "server": spec["paths"][PATH]["servers"][0]["url"],
        "path": PATH,
        "pathParameters": {p["name"]: resolve(p["schema"], spec)
                           for p in operation["parameters"] if p["in"] == "path"},
        "security": security,
        "contentType": CONTENT_TYPE,
        "requestBody": body,
    }


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as spec_file:
        json.dump(extract(json.load(spec_file)), sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")
