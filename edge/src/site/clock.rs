//! The site's local time, from the platform's time zone data (`Intl.DateTimeFormat`), for its
//! business hours. Reached through `Reflect`, so an unknown time zone is an error to report,
//! never a trap.

use baton_desk::LocalTime;
use js_sys::{Array, Date, Function, Object, Reflect};
use worker::wasm_bindgen::{JsCast, JsValue};

fn get(target: &JsValue, key: &str) -> Option<JsValue> {
    Reflect::get(target, &JsValue::from_str(key)).ok().filter(|v| !v.is_undefined())
}

/// The local time in `time_zone` at `now` (ms), or `None` if the platform does not know it.
pub fn local_time(time_zone: &str, now: u64) -> Option<LocalTime> {
    let intl = get(&js_sys::global(), "Intl")?;
    let constructor: Function = get(&intl, "DateTimeFormat")?.dyn_into().ok()?;
    let options = Object::new();
    for (key, value) in [
        ("timeZone", time_zone),
        ("year", "numeric"),
        ("month", "numeric"),
        ("day", "numeric"),
        ("weekday", "short"),
        ("hour", "numeric"),
        ("minute", "numeric"),
        ("hourCycle", "h23"),
    ] {
        Reflect::set(&options, &JsValue::from_str(key), &JsValue::from_str(value)).ok()?;
    }
    let args = Array::of2(&JsValue::from_str("en-US"), &options);
    let format = Reflect::construct(&constructor, &args).ok()?;
    let to_parts: Function = get(&format, "formatToParts")?.dyn_into().ok()?;
    let parts: Array = to_parts.call1(&format, &Date::new(&JsValue::from_f64(now as f64))).ok()?.dyn_into().ok()?;
    let mut local = LocalTime { year: 0, month: 0, day: 0, weekday: 7, minute: 0 };
    let mut hour = None;
    for part in parts.iter() {
        let (Some(kind), Some(value)) = (get(&part, "type")?.as_string(), get(&part, "value")?.as_string()) else {
            continue;
        };
        match kind.as_str() {
            "year" => local.year = value.parse().ok()?,
            "month" => local.month = value.parse().ok()?,
            "day" => local.day = value.parse().ok()?,
            "hour" => hour = value.parse::<u32>().ok(),
            "minute" => local.minute = value.parse().ok()?,
            "weekday" => {
                local.weekday =
                    ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].iter().position(|d| *d == value)? as u32
            }
            _ => {}
        }
    }
    local.minute += hour? * 60;
    (local.weekday < 7 && local.month > 0 && local.day > 0).then_some(local)
}
