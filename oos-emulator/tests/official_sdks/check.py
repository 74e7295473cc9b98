"""Alibaba Cloud's official Python SDKs against a running emulator.

usage: python check.py http://127.0.0.1:PORT METADATA [--peer]

The OOS SDK (alibabacloud-oos20190601) signs with ACS3-HMAC-SHA256; the core SDK
(aliyun-python-sdk-core) with the RPC signature 1.0 (HMAC-SHA1), over GET and POST.

- Every action of the OpenAPI metadata (METADATA, api-docs.json) is sent through the OOS
  SDK with its documented example values and must be answered in a shape the SDK parses,
  or with the error the emulator's state calls for: never an unknown action, a signature
  error or a 5xx.
- Lifecycles: parameters, secret parameters, templates and their versions, executions and
  their tasks, tags.
- With --peer, what another client (oos-api, see sdk_peer.rs) created is read back
  here, and what is created here is left for it to read.

Each check prints one line; any failure raises and exits non-zero.
"""

import json
import re
import sys
from urllib.parse import urlparse

from alibabacloud_oos20190601 import models
from alibabacloud_oos20190601.client import Client
from alibabacloud_tea_openapi import models as open_api_models
from alibabacloud_tea_util import models as util_models
from aliyunsdkcore.acs_exception.exceptions import ServerException
from aliyunsdkcore.client import AcsClient
from aliyunsdkcore.request import CommonRequest

EXECUTION = "exec-demo-disk-check"

# Examples the documented parameters themselves refuse, with the parameter they break: the
# metadata's fault, not the emulator's.
EXAMPLES_OUTSIDE_THE_SPEC = {
    "ListExecutions": "Categories",  # a JSON array with an ideographic comma, ["a"、"b"]
    "ListTemplates": "TemplateType",  # `private`, a ShareType, where the type is documented
    "UpdateTemplate": "Content",  # JSON with a trailing comma
}
# Parameters that carry a template: the emulator judges them as templates (InvalidTemplate).
TEMPLATE_CONTENT = ("Content", "TemplateContent")
# What an example may be refused with by an action with state: what it names is not there,
# is there already, or has finished.
STATE_ERRORS = ("EntityNotExists.", "EntityAlreadyExists.", "InvalidStatus.")
NEVER = ("InvalidAction.NotFound", "SignatureDoesNotMatch", "IncompleteSignature", "MissingParameter")


def v3_client(host):
    config = open_api_models.Config(
        access_key_id="testid",
        access_key_secret="testsecret",
        endpoint=host,
        protocol="http",
        region_id="cn-hangzhou",
    )
    return Client(config)


def snake(name):
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def example_value(schema):
    """A parameter's example as the SDK's request model takes it, or None."""
    kind = schema.get("type")
    example = schema.get("example")
    if kind in ("object", "array"):
        if isinstance(example, str):
            try:
                value = json.loads(example)
                if isinstance(value, (dict, list)):
                    return value
            except ValueError:
                pass
        if kind == "array":
            item = example_value(schema.get("items", {}))
            return None if item is None else [item]
        properties = schema.get("properties") or {}
        value = {k: v for k, v in ((k, example_value(s)) for k, s in properties.items()) if v is not None}
        return value or None
    if example is None or example == "":
        return None
    if kind == "integer":
        try:
            return int(example)
        except ValueError:
            return None
    if kind == "number":
        try:
            return float(example)
        except ValueError:
            return None
    if kind == "boolean":
        return str(example).lower() == "true"
    return str(example)


def example_request(api):
    """The wire names and example values of an action's documented request."""
    values = {}
    for param in api.get("parameters", []):
        name = param["name"]
        if name == "NextToken":  # only the service issues one
            continue
        value = example_value(param.get("schema", {}))
        if value is not None:
            values[name] = value
    return values


def check_every_action(client, metadata):
    apis = json.load(open(metadata, encoding="utf-8"))["apis"]
    runtime = util_models.RuntimeOptions()
    answered, refused, failures = 0, 0, []
    outside_refused = set()
    for action in sorted(apis):
        request_class = getattr(models, f"{action}Request", None)
        method = getattr(client, f"{snake(action)}_with_options", None)
        if request_class is None or method is None:
            failures.append(f"{action}: the SDK has no such action")
            continue
        request = request_class().from_map(example_request(apis[action]))
        try:
            method(request, runtime)
            answered += 1
        except Exception as error:  # the SDK raises its own exception type
            code = getattr(error, "code", None) or ""
            status = getattr(error, "status_code", None) or 0
            message = str(getattr(error, "message", error))
            listed = EXAMPLES_OUTSIDE_THE_SPEC.get(action)
            outside = listed is not None and (
                (code == "InvalidParameter" and f'"{listed}"' in message)
                or (code == "InvalidTemplate" and listed in TEMPLATE_CONTENT)
            )
            if outside:
                outside_refused.add(action)
            if status >= 500 or code in NEVER or not (outside or code.startswith(STATE_ERRORS)):
                failures.append(f"{action}: {status} {code} {message}")
            else:
                refused += 1
    # An example that has come to fit the spec no longer belongs on the list.
    for action in sorted(set(EXAMPLES_OUTSIDE_THE_SPEC) - outside_refused):
        failures.append(f"{action}: listed as outside the spec, but its example was not refused for it")
    assert not failures, "\n".join(failures)
    print(f"v3: all {len(apis)} actions of the metadata: {answered} answered, {refused} refused for their state")


def expect_error(code, call):
    try:
        call()
    except Exception as error:  # the SDK raises its own exception type
        assert getattr(error, "code", None) == code, error
        return
    raise AssertionError(f"expected {code}")


def check_parameters(client):
    client.create_parameter(
        models.CreateParameterRequest(name="/py/db/host", type="String", value="db-1", tags={"env": "test"})
    )
    expect_error(
        "EntityAlreadyExists.Parameter",
        lambda: client.create_parameter(models.CreateParameterRequest(name="/py/db/host", type="String", value="x")),
    )
    client.update_parameter(models.UpdateParameterRequest(name="/py/db/host", value="db-2"))
    current = client.get_parameter(models.GetParameterRequest(name="/py/db/host")).body.parameter
    assert (current.value, current.parameter_version) == ("db-2", 2), current
    first = client.get_parameter(models.GetParameterRequest(name="/py/db/host", parameter_version=1)).body.parameter
    assert first.value == "db-1", first.value
    versions = client.list_parameter_versions(models.ListParameterVersionsRequest(name="/py/db/host")).body
    assert [v.value for v in versions.parameter_versions] == ["db-2", "db-1"], versions
    by_path = client.get_parameters_by_path(models.GetParametersByPathRequest(path="/py", recursive=True)).body
    assert [p.name for p in by_path.parameters] == ["/py/db/host"], by_path
    several = client.get_parameters(models.GetParametersRequest(names=json.dumps(["/py/db/host", "/nope"]))).body
    assert several.invalid_parameters == ["/nope"], several.invalid_parameters
    client.delete_parameter(models.DeleteParameterRequest(name="/py/db/host"))
    expect_error("EntityNotExists.Parameter", lambda: client.get_parameter(models.GetParameterRequest(name="/py/db/host")))
    print("v3: a parameter created, duplicated, updated, read at each version, by path, listed and deleted")


def check_secrets(client):
    client.create_secret_parameter(models.CreateSecretParameterRequest(name="py-password", value="py-s3cret"))
    hidden = client.get_secret_parameter(models.GetSecretParameterRequest(name="py-password")).body.parameter
    assert hidden.value and "py-s3cret" not in hidden.value, hidden.value
    shown = client.get_secret_parameter(
        models.GetSecretParameterRequest(name="py-password", with_decryption=True)
    ).body.parameter
    assert shown.value == "py-s3cret", shown.value
    listed = client.get_secret_parameters_by_path(models.GetSecretParametersByPathRequest(path="/", recursive=True))
    assert all("py-s3cret" not in (p.value or "") for p in listed.body.parameters)
    print("v3: a secret parameter is sealed unless WithDecryption=true")


def check_templates(client):
    def content(n):
        return json.dumps(
            {"FormatVersion": "OOS-2019-06-01", "Description": f"version {n}", "Tasks": [{"Name": f"t{n}", "Action": "ACS::Sleep"}]}
        )

    client.create_template(models.CreateTemplateRequest(template_name="py-template", content=content(1), tags={"team": "sre"}))
    for n in (2, 3):
        client.update_template(models.UpdateTemplateRequest(template_name="py-template", content=content(n)))
    versions = client.list_template_versions(models.ListTemplateVersionsRequest(template_name="py-template")).body
    assert [v.template_version for v in versions.template_versions] == ["v3", "v2", "v1"], versions
    for n in (1, 2, 3):
        got = client.get_template(models.GetTemplateRequest(template_name="py-template", template_version=f"v{n}")).body
        assert got.content == content(n), got.content
    yaml = "FormatVersion: OOS-2019-06-01\nTasks:\n  - Name: sleep\n    Action: ACS::Sleep\n"
    validated = client.validate_template_content(models.ValidateTemplateContentRequest(content=yaml)).body
    assert [t.name for t in validated.tasks] == ["sleep"], validated
    started = client.start_execution(
        models.StartExecutionRequest(template_name="py-template", template_version="v2", tags={"run": "py"})
    ).body.execution
    tasks = client.list_task_executions(models.ListTaskExecutionsRequest(execution_id=started.execution_id)).body
    assert [t.task_name for t in tasks.task_executions] == ["t2"], tasks
    template = client.get_execution_template(models.GetExecutionTemplateRequest(execution_id=started.execution_id)).body
    assert template.content == content(2), template.content
    client.update_execution(models.UpdateExecutionRequest(execution_id=started.execution_id, description="from python"))
    client.notify_execution(models.NotifyExecutionRequest(execution_id=started.execution_id, notify_type="CompleteExecution"))
    done = client.list_executions(models.ListExecutionsRequest(execution_id=started.execution_id)).body.executions[0]
    assert (done.status, done.description) == ("Success", "from python"), done
    client.tag_resources(
        models.TagResourcesRequest(
            region_id="cn-hangzhou", resource_type="template", resource_ids=["py-template"], tags={"env": "test"}
        )
    )
    tagged = client.list_tag_resources(
        models.ListTagResourcesRequest(region_id="cn-hangzhou", resource_type="template", resource_ids=["py-template"])
    ).body.tag_resources.tag_resource
    assert sorted((t.tag_key, t.tag_value) for t in tagged) == [("env", "test"), ("team", "sre")], tagged
    client.untag_resources(
        models.UntagResourcesRequest(region_id="cn-hangzhou", resource_type="template", resource_ids=["py-template"], all=True)
    )
    keys = client.list_tag_keys(models.ListTagKeysRequest(resource_type="template")).body.keys
    assert "env" not in (keys or []), keys
    client.delete_template(models.DeleteTemplateRequest(template_name="py-template", auto_delete_executions=True))
    expect_error(
        "EntityNotExists.Template", lambda: client.get_template(models.GetTemplateRequest(template_name="py-template"))
    )
    print("v3: a template updated twice, read at each version, run, notified, tagged and deleted")


def check_peer(client):
    """What oos-api created is read here; what is created here is for oos-api to read."""
    host = client.get_parameter(models.GetParameterRequest(name="/peer/from-rust")).body.parameter
    assert host.value == "written by oos-api", host.value
    secret = client.get_secret_parameter(
        models.GetSecretParameterRequest(name="peer-secret-from-rust", with_decryption=True)
    ).body.parameter
    assert secret.value == "oos-api secret", secret.value
    client.create_parameter(models.CreateParameterRequest(name="/peer/from-python", type="String", value="written by python"))
    client.create_secret_parameter(models.CreateSecretParameterRequest(name="peer-secret-from-python", value="python secret"))
    print("v3: what oos-api created reads back through the official SDK; the SDK's own is left for oos-api")


def check_v3(host, metadata, peer):
    client = v3_client(host)
    messages, token, pages = [], None, 0
    while True:
        request = models.ListExecutionLogsRequest(execution_id=EXECUTION, max_results=10, next_token=token)
        body = client.list_execution_logs(request).body
        messages += [log.message for log in body.execution_logs]
        pages += 1
        token = body.next_token
        if not token:
            break
    assert len(messages) == 30 and pages == 3, (len(messages), pages)
    print(f"v3: ListExecutionLogs paged {len(messages)} logs in {pages} pages")

    try:
        client.list_execution_logs(models.ListExecutionLogsRequest(execution_id="exec-missing"))
        raise AssertionError("an unknown execution was accepted")
    except Exception as error:  # the SDK raises its own exception type
        assert getattr(error, "code", None) == "EntityNotExists.Execution", error
        assert getattr(error, "status_code", 404) == 404, error
    print("v3: unknown execution is EntityNotExists.Execution (404)")

    started = client.start_execution(
        models.StartExecutionRequest(
            template_name="ACS-ECS-CheckDiskCategory",
            parameters=json.dumps({"instanceId": "i-1"}),
            tags={"env": "test"},
            client_token="token-from-the-python-sdk",
        )
    ).body.execution
    again = client.start_execution(
        models.StartExecutionRequest(template_name="ACS-ECS-CheckDiskCategory", client_token="token-from-the-python-sdk")
    ).body.execution
    assert started.execution_id == again.execution_id, (started.execution_id, again.execution_id)
    listed = client.list_executions(models.ListExecutionsRequest(execution_id=started.execution_id)).body.executions
    assert [e.execution_id for e in listed] == [started.execution_id], listed
    templates = client.list_templates(models.ListTemplatesRequest(max_results=10)).body.templates
    assert len(templates) >= 1
    template = client.get_template(models.GetTemplateRequest(template_name=templates[0].template_name)).body
    assert template.content
    client.cancel_execution(models.CancelExecutionRequest(execution_id=started.execution_id))
    client.delete_executions(models.DeleteExecutionsRequest(execution_ids=json.dumps([started.execution_id])))
    print("v3: StartExecution (idempotent by ClientToken), ListExecutions, ListTemplates, GetTemplate, Cancel, Delete")

    check_parameters(client)
    check_secrets(client)
    check_templates(client)
    if peer:
        check_peer(client)
    check_every_action(client, metadata)


def rpc_request(host, method):
    request = CommonRequest(domain=host, version="2019-06-01", action_name="ListExecutionLogs")
    request.set_protocol_type("http")
    request.set_method(method)
    request.set_accept_format("json")
    return request


def check_rpc(host):
    client = AcsClient("testid", "testsecret", "cn-hangzhou")
    for method in ("GET", "POST"):
        request = rpc_request(host, method)
        request.add_query_param("ExecutionId", EXECUTION)
        request.add_query_param("MaxResults", "5")
        body = json.loads(client.do_action_with_exception(request))
        assert len(body["ExecutionLogs"]) == 5 and body["NextToken"], body
        print(f"rpc {method}: ListExecutionLogs answered a page of 5")

    request = rpc_request(host, "POST")
    request.set_action_name("GetSecretParametersByPath")
    request.add_query_param("Path", "/")
    request.add_query_param("Recursive", "true")
    body = json.loads(client.do_action_with_exception(request))
    assert "Parameters" in body, body
    print("rpc POST: GetSecretParametersByPath answered")

    wrong = AcsClient("testid", "not-the-secret", "cn-hangzhou")
    request = rpc_request(host, "POST")
    request.add_query_param("ExecutionId", EXECUTION)
    try:
        wrong.do_action_with_exception(request)
        raise AssertionError("a wrong secret was accepted")
    except ServerException as error:
        assert error.get_error_code() == "SignatureDoesNotMatch", error
    print("rpc: a wrong secret is SignatureDoesNotMatch")


def main():
    url = urlparse(sys.argv[1])
    metadata = sys.argv[2]
    peer = "--peer" in sys.argv[3:]
    host = url.netloc
    check_v3(host, metadata, peer)
    check_rpc(host)
    print("official SDKs: all checks passed")


if __name__ == "__main__":
    main()
