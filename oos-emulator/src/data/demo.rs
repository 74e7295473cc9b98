//! The built-in demo data, shaped like what OOS logs for its public templates.

use serde_json::{json, Value};

use super::Data;

pub(super) fn build() -> Data {
    Data::new()
        .with_execution("exec-demo-disk-check", disk_check())
        .with_execution("exec-demo-restart", restart())
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
