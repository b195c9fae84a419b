//! List paging shared by every API list: `page` from 1, `page_size` 1..=500, default 50.

pub const DEFAULT_PAGE_SIZE: i64 = 50;
pub const MAX_PAGE_SIZE: i64 = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub page: i64,
    pub size: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PageError {
    #[error("page must be a whole number of at least 1")]
    Page,
    #[error("page_size must be a whole number from 1 to {MAX_PAGE_SIZE}")]
    Size,
}

impl Page {
    pub fn new(page: Option<i64>, size: Option<i64>) -> Result<Page, PageError> {
        let page = page.unwrap_or(1);
        let size = size.unwrap_or(DEFAULT_PAGE_SIZE);
        if !(1..=1_000_000).contains(&page) {
            return Err(PageError::Page);
        }
        if !(1..=MAX_PAGE_SIZE).contains(&size) {
            return Err(PageError::Size);
        }
        Ok(Page { page, size })
    }

    pub fn offset(&self) -> i64 {
        (self.page - 1) * self.size
    }
}

impl Default for Page {
    fn default() -> Self {
        Page {
            page: 1,
            size: DEFAULT_PAGE_SIZE,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_limits() {
        assert_eq!(Page::new(None, None), Ok(Page { page: 1, size: 50 }));
        assert_eq!(Page::new(Some(3), Some(500)).unwrap().offset(), 1000);
        assert_eq!(Page::new(Some(0), None), Err(PageError::Page));
        assert_eq!(Page::new(None, Some(501)), Err(PageError::Size));
        assert_eq!(Page::new(None, Some(0)), Err(PageError::Size));
    }
}
