//! The built-in demo data, shaped like what OOS logs for its public templates.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::model::{CurrentTask, Execution, Template};
use super::Data;

pub(super) fn build() -> Data {
    let mut data = Data::new();
    for template in templates() {
        data.insert_template(template.complete());
    }
    for execution in executions() {
        data.insert_execution(execution.complete());
    }
    data
}

fn tags(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn content(description: &str, tasks: &[(&str, &str)]) -> String {
    let tasks: Vec<Value> = tasks
        .iter()
        .map(|(name, action)| json!({"Name": name, "Action": action, "Properties": {}}))
        .collect();
    json!({
        "FormatVersion": "OOS-2019-06-01",
        "Description": description,
        "Parameters": {"instanceId": {"Type": "String"}},
        "Tasks": tasks,
    })
    .to_string()
}

fn templates() -> Vec<Template> {
    let public = |name: &str, description: &str, tasks: &[(&str, &str)], popularity| Template {
        template_name: name.to_owned(),
        content: content(description, tasks),
        share_type: "Public".to_owned(),
        publisher: "Alibaba Cloud".to_owned(),
        popularity: Some(popularity),
        created_date: "2019-05-20T08:00:00Z".to_owned(),
        updated_date: "2019-05-21T08:00:00Z".to_owned(),
        ..Template::default()
    };
    vec![
        public(
            "ACS-ECS-CheckDiskCategory",
            "Checks the category of the disks of an ECS instance",
            &[
                ("checkInstanceReady", "ACS::CheckFor"),
                ("describeDisks", "ACS::ExecuteAPI"),
                ("CheckDiskCategory", "ACS::ExecuteAPI"),
                ("notify", "ACS::Notify"),
                ("cleanup", "ACS::ExecuteAPI"),
            ],
            7,
        ),
        public(
            "ACS-ECS-RestartInstance",
            "Restarts an ECS instance",
            &[
                ("stopInstance", "ACS::ExecuteAPI"),
                ("waitForStopped", "ACS::WaitFor"),
                ("startInstance", "ACS::ExecuteAPI"),
            ],
            9,
        ),
        Template {
            template_name: "nightly-patching".to_owned(),
            content: "FormatVersion: OOS-2019-06-01\nDescription: Patches the web servers every night\nTasks:\n  - Name: timerTrigger\n    Action: ACS::TimerTrigger\n  - Name: runPatch\n    Action: ACS::ECS::RunCommand\n".to_owned(),
            description: Some("Patches the web servers every night".to_owned()),
            version_name: "weekly-window".to_owned(),
            template_version: "v3".to_owned(),
            category: "TimerTrigger".to_owned(),
            has_trigger: true,
            total_execution_count: Some(1),
            tags: tags(&[("team", "sre")]),
            resource_group_id: "rg-acfmzawhxxc6lqy".to_owned(),
            created_date: "2024-01-15T11:05:02Z".to_owned(),
            updated_date: "2024-03-02T16:27:51Z".to_owned(),
            ..Template::default()
        },
    ]
}

fn executions() -> Vec<Execution> {
    let mut parameters = Map::new();
    parameters.insert("instanceId".into(), "i-bp1d2k1yttp".into());
    vec![
        Execution {
            execution_id: "exec-demo-disk-check".to_owned(),
            logs: disk_check(),
            template_name: "ACS-ECS-CheckDiskCategory".to_owned(),
            template_version: "v1".to_owned(),
            status: "Success".to_owned(),
            status_message: "The execution completed successfully.".to_owned(),
            counters: Some(BTreeMap::from([("Success".into(), 5), ("Total".into(), 5)])),
            parameters: parameters.clone(),
            tags: tags(&[("env", "prod")]),
            description: "weekly disk audit".to_owned(),
            ..Execution::default()
        },
        Execution {
            execution_id: "exec-demo-restart".to_owned(),
            logs: restart(),
            template_name: "ACS-ECS-RestartInstance".to_owned(),
            template_version: "v1".to_owned(),
            status: "Failed".to_owned(),
            status_message: "IncorrectInstanceStatus".to_owned(),
            counters: Some(BTreeMap::from([
                ("Failed".into(), 1),
                ("Success".into(), 2),
                ("Total".into(), 3),
            ])),
            parameters,
            tags: tags(&[("env", "test")]),
            ..Execution::default()
        },
        Execution {
            execution_id: "exec-demo-patching".to_owned(),
            logs: vec![
                log(0, "Execution started.".to_owned()),
                log(1, "The task timerTrigger started.".to_owned()),
            ],
            template_name: "nightly-patching".to_owned(),
            template_version: "v3".to_owned(),
            category: "TimerTrigger".to_owned(),
            status: "Running".to_owned(),
            is_parent: true,
            current_tasks: vec![CurrentTask {
                task_action: "ACS::TimerTrigger".to_owned(),
                task_execution_id: "exec-demo-patching.t0001".to_owned(),
                task_name: "timerTrigger".to_owned(),
            }],
            next_schedule_time: "2019-05-25T02:00:00Z".to_owned(),
            tags: tags(&[("team", "sre")]),
            resource_group_id: "rg-acfmzawhxxc6lqy".to_owned(),
            ..Execution::default()
        },
    ]
}

fn log(second: u32, message: String) -> Value {
    json!({
        "Timestamp": format!("2019-05-24T02:{:02}:{:02}Z", 29 + second / 60, second % 60),
        "Message": message,
    })
}

/// A disk-category check looping over three disks: 30 entries.
fn disk_check() -> Vec<Value> {
    let disks = ["d-bp12nd75slrxf", "d-bp1de6yp8358", "d-bp144wbu4p1vx"];
    // Python's repr, as OOS prints task outputs.
    let disk_list = format!("['{}']", disks.join("', '"));
    let mut messages = vec![
        "Execution started.".to_owned(),
        "The task checkInstanceReady started.".to_owned(),
        "api call: DescribeInstances request:{'InstanceIds': ['i-bp1d2k1yttp']} response: {'TotalCount': 1, 'Instances': {'Instance': [{'InstanceId': 'i-bp1d2k1yttp', 'Status': 'Running'}]}}".to_owned(),
        "The task checkInstanceReady output: {}".to_owned(),
        "The task checkInstanceReady completed.".to_owned(),
        "The task describeDisks started.".to_owned(),
        format!("api call: DescribeDisks request:{{'InstanceId': 'i-bp1d2k1yttp', 'DiskType': 'data'}} response: {{'TotalCount': 3, 'DiskIds': {disk_list}}}"),
        format!("The task describeDisks output: {{'DiskIds': {disk_list}, 'DiskCategory': 'cloud_essd'}}"),
        "The task describeDisks completed.".to_owned(),
        "The task CheckDiskCategory started.".to_owned(),
    ];
    for disk in disks {
        messages.push(format!(
            "The task CheckDiskCategory (loop item {disk}) started."
        ));
        messages.push(format!(
            "api call: DescribeDisks request:{{'InstanceId': 'i-bp1d2k1yttp', 'DiskIds': ['{disk}']}} response: {{'TotalCount': 1, 'Disks': {{'Disk': [{{'DiskId': '{disk}', 'Category': 'cloud_essd', 'Status': 'In_use'}}]}}}}"
        ));
        messages.push(format!(
            "The task CheckDiskCategory (loop item {disk}) output: {{}}"
        ));
        messages.push(format!(
            "The task CheckDiskCategory (loop item {disk}) completed."
        ));
    }
    messages.extend(
        [
            "The task CheckDiskCategory output: {}",
            "The task CheckDiskCategory completed.",
            "The task notify started.",
            "The task notify output: {'Sent': True}",
            "The task notify completed.",
            "The task cleanup started.",
            "The task cleanup completed.",
            "Execution succeeded.",
        ]
        .map(str::to_owned),
    );
    messages
        .into_iter()
        .enumerate()
        .map(|(i, m)| log(i as u32 * 2, m))
        .collect()
}

/// An instance restart that fails on its last step: 12 entries.
fn restart() -> Vec<Value> {
    [
        "Execution started.",
        "The task stopInstance started.",
        "api call: StopInstance request:{'InstanceId': 'i-bp1f0example'} response: {'RequestId': 'C4B6E7C0-3F5E-4E0C-9C43-7E0B2C1D9A11'}",
        "The task stopInstance completed.",
        "The task waitForStopped started.",
        "The task waitForStopped (poll 1) output: {'Status': 'Stopping'}",
        "The task waitForStopped (poll 2) output: {'Status': 'Stopped'}",
        "The task waitForStopped completed.",
        "The task startInstance started.",
        "api call: StartInstance request:{'InstanceId': 'i-bp1f0example'} response: {'Code': 'IncorrectInstanceStatus', 'Message': 'The current status of the resource does not support this operation.'}",
        "The task startInstance failed: IncorrectInstanceStatus",
        "Execution failed.",
    ]
    .into_iter()
    .enumerate()
    .map(|(i, m)| log(i as u32 * 5, m.to_owned()))
    .collect()
}
