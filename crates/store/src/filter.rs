//! Filtered, paged list queries: one place that numbers placeholders, binds the values
//! to both the page query and its count, and runs them.

use crate::{Result, Store};
use dieuhanh_core::paging::Page;
use sqlx::Row;
use sqlx::any::AnyRow;

#[derive(Clone)]
pub(crate) enum Value {
    Int(i64),
    Text(String),
}

/// A conjunction of SQL conditions with their values.
#[derive(Default)]
pub(crate) struct Filter {
    clauses: Vec<String>,
    values: Vec<Value>,
}

impl Filter {
    /// Adds a condition; `{0}`, `{1}`… in `template` stand for the placeholders of
    /// `values`, in order (a value may be used more than once).
    pub(crate) fn and(&mut self, template: &str, values: Vec<Value>) -> &mut Self {
        let mut clause = template.to_string();
        for (i, value) in values.into_iter().enumerate() {
            self.values.push(value);
            clause = clause.replace(&format!("{{{i}}}"), &format!("${}", self.values.len()));
        }
        self.clauses.push(clause);
        self
    }

    fn where_sql(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.clauses.join(" AND "))
        }
    }

    /// Runs `SELECT {columns} FROM {from} WHERE … ORDER BY {order} LIMIT … OFFSET …` and
    /// the matching count. `columns`, `from` and `order` are fixed SQL of the caller.
    pub(crate) async fn page(
        &self,
        store: &Store,
        columns: &str,
        from: &str,
        order: &str,
        page: Page,
    ) -> Result<(Vec<AnyRow>, i64)> {
        let where_sql = self.where_sql();
        let n = self.values.len();
        let list_sql = format!(
            "SELECT {columns} FROM {from}{where_sql} ORDER BY {order} LIMIT ${} OFFSET ${}",
            n + 1,
            n + 2
        );
        let count_sql = format!("SELECT COUNT(*) AS n FROM {from}{where_sql}");
        let mut list = sqlx::query(sqlx::AssertSqlSafe(list_sql));
        let mut count = sqlx::query(sqlx::AssertSqlSafe(count_sql));
        for value in &self.values {
            match value {
                Value::Int(v) => {
                    list = list.bind(*v);
                    count = count.bind(*v);
                }
                Value::Text(v) => {
                    list = list.bind(v.clone());
                    count = count.bind(v.clone());
                }
            }
        }
        let rows = list
            .bind(page.size)
            .bind(page.offset())
            .fetch_all(store.reader())
            .await?;
        let total: i64 = count.fetch_one(store.reader()).await?.try_get("n")?;
        Ok((rows, total))
    }
}
