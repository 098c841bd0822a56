//! solOS CRM projects: every operation with the seed-004 curl examples' values. The docs
//! show no response bodies, so the mock answers each documented request with `{}`.

use crate::common::Result;
use crm_bindings::solos::mock::mount_examples;

/// The documents' API root on the mock server.
fn base_url(server: &wiremock::MockServer) -> String {
    format!("{}/backend/public", server.uri())
}
use crm_bindings::solos::{Client, types};
use serde_json::{Map, Value, json};

fn day(year: i32, month: u32, day: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(year, month, day).expect("a valid date")
}

fn fields(object: &Map<String, Value>) -> String {
    format!(
        "{} ({} fields)",
        Value::Object(object.clone()),
        object.len()
    )
}

pub async fn run() -> Result {
    let server = wiremock::MockServer::start().await;
    mount_examples(&server).await;
    println!(
        "\n== solOS CRM projects (mock CRM at {})",
        base_url(&server)
    );
    let client = Client::with_keys(&base_url(&server), "demo-token", "demo-secret")?;

    let projects = client
        .list_projects()
        .count(100u64)
        .offset(0u64)
        .order_by("id")
        .reverse(types::SortReverse::Ascending)
        .deleted(types::DeletedFlag::Active)
        .send()
        .await?;
    println!(
        "list_projects(count=100, reverse=0, deleted=0) -> {}",
        fields(&projects)
    );

    let created = types::DateRange::new(day(2020, 1, 1), day(2020, 12, 31))?;
    let mut dynamic = Map::new();
    dynamic.insert("client_id".into(), json!([1, 3]));
    dynamic.insert("contract_date".into(), json!("2020-01-01"));
    let builtin_data: types::ProjectFilterBuiltinData = types::ProjectFilterBuiltinData::builder()
        .created(created.clone())
        .sales_funnel_id(vec![1, 2])
        .step_id(vec![1, 2, 3, 4, 5])
        .user_id(vec![2, 4, 6, 8])
        .group_id(vec![1, 2, 3])
        .price(100)
        .currency_id(vec![1, 2, 3])
        .participants_user_id(vec![1, 2, 4, 5, 7, 8])
        .participants_group_id(vec![1, 2, 4, 5, 7, 8])
        .actions_type_id(vec![1, 2, 3])
        .good_id(vec![10, 11, 12])
        .try_into()?;
    let filter = types::ProjectFilter::builder()
        .count(100)
        .offset(0)
        .order_by("id".to_string())
        .reverse(types::SortReverse::Ascending)
        .deleted(types::DeletedFlag::Active)
        .condition(types::FilterCondition::And)
        .having(types::ProjectHaving::ChecklistsExpired)
        .buildin_data(builtin_data)
        .data(types::ProjectFilterDynamicData(dynamic));
    let filtered = client.filter_projects().body(filter).send().await?;
    println!(
        "filter_projects(created={}, having=checklists_expired) -> {}",
        created.as_str(),
        fields(&filtered)
    );

    let project = client.get_project().id(1u64).send().await?;
    println!("get_project(1) -> {}", fields(&project));

    let steps_filter = types::UnderscoreIdList::from_ids([1, 2, 3, 4, 5])?;
    let steps = client
        .list_project_steps()
        .id(1u64)
        .filter_date(day(2021, 5, 21))
        .filter_steps(steps_filter.clone())
        .send()
        .await?;
    println!(
        "list_project_steps(1, filter_steps={}) -> {}",
        steps_filter.as_str(),
        fields(&steps)
    );

    let actions = client
        .list_project_actions()
        .id(1u64)
        .count(100u64)
        .offset(0u64)
        .filter_id(1u64)
        .filter_date(day(2021, 5, 21))
        .filter_actions(steps_filter)
        .send()
        .await?;
    println!("list_project_actions(1) -> {}", fields(&actions));

    let action = client.get_project_action().id(1u64).send().await?;
    println!("get_project_action(1) -> {}", fields(&action));

    let checklists = client.list_project_checklists().id(1u64).send().await?;
    println!("list_project_checklists(1) -> {}", fields(&checklists));

    let goods = client.list_project_goods().id(1u64).send().await?;
    println!("list_project_goods(1) -> {}", fields(&goods));

    let payments = client
        .list_project_payments()
        .id(1u64)
        .count(100u64)
        .offset(0u64)
        .filter_id(1u64)
        .filter_date(day(2021, 5, 21))
        .filter_type(types::PaymentType::Receipt)
        .send()
        .await?;
    println!(
        "list_project_payments(1, filter_type=receipt) -> {}",
        fields(&payments)
    );

    if let Err(err) = client.get_project().id(0u64).send().await {
        println!("get_project(0) -> {err}");
    }
    if let Err(err) = types::DateRange::new(day(2020, 12, 31), day(2020, 1, 1)) {
        println!("DateRange::new(2020-12-31, 2020-01-01) -> refused: {err}");
    }
    crate::common::every_operation_called(&server, crm_bindings::solos::mock::OPERATIONS).await
}
