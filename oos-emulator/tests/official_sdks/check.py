"""Alibaba Cloud's official Python SDKs against a running emulator.

usage: python check.py http://127.0.0.1:PORT

The OOS SDK (alibabacloud-oos20190601) signs with ACS3-HMAC-SHA256; the core SDK
(aliyun-python-sdk-core) with the RPC signature 1.0 (HMAC-SHA1), over GET and POST.
Each check prints one line; any failure raises and exits non-zero.
"""

import json
import sys
from urllib.parse import urlparse

from alibabacloud_oos20190601 import models
from alibabacloud_oos20190601.client import Client
from alibabacloud_tea_openapi import models as open_api_models
from aliyunsdkcore.acs_exception.exceptions import ServerException
from aliyunsdkcore.client import AcsClient
from aliyunsdkcore.request import CommonRequest

EXECUTION = "exec-demo-disk-check"


def v3_client(host):
    config = open_api_models.Config(
        access_key_id="testid",
        access_key_secret="testsecret",
        endpoint=host,
        protocol="http",
        region_id="cn-hangzhou",
    )
    return Client(config)


def check_v3(host):
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
    host = url.netloc
    check_v3(host)
    check_rpc(host)
    print("official SDKs: all checks passed")


if __name__ == "__main__":
    main()
