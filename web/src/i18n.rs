//! The page's interface strings in English and Chinese. Elements carry `data-t="key"`, so a
//! language switch rewrites every label in one pass.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    En,
    Zh,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }
    pub fn from_code(code: &str) -> Lang {
        if code.starts_with("zh") {
            Lang::Zh
        } else {
            Lang::En
        }
    }
}

/// (key, English, Chinese)
const TEXTS: &[(&str, &str, &str)] = &[
    ("lessons", "Lessons", "课程"),
    ("run_all", "Run all", "全部运行"),
    ("stop_all", "Stop all", "全部停止"),
    ("share", "Share link", "分享链接"),
    (
        "copied",
        "Link copied to the address bar",
        "链接已放入地址栏",
    ),
    ("add_pane", "+ script", "+ 脚本"),
    ("run", "Run", "运行"),
    ("stop", "Stop", "停止"),
    ("step", "Step", "单步"),
    ("sample", "Sample input", "示例输入"),
    ("remove", "Remove", "删除"),
    ("rename", "File name", "文件名"),
    ("wire", "On the wire", "线路上的数据"),
    (
        "wire_hint",
        "Click a message to see its bytes. Dotted ⇣ rows are what the network did by itself (arrived, not read yet; the peer closed).",
        "点击一条消息查看它的字节。虚线 ⇣ 行是网络自己发生的事(已到达但尚未读取;对端关闭)。",
    ),
    ("clear", "Clear", "清空"),
    ("teaches", "Teaches", "要点"),
    ("outside", "outside the page", "页面之外"),
    (
        "input_ph",
        "type a line for input(), Enter to send",
        "为 input() 输入一行,按回车发送",
    ),
    ("idle", "not running", "未运行"),
    ("running", "running", "运行中"),
    ("paused", "paused before line", "暂停于第"),
    ("waiting_input", "waiting for input()", "等待 input()"),
    ("exited", "exited with code", "退出,代码"),
    ("blocked", "blocked in", "阻塞于"),
    ("at_line", "at line", "第几行:"),
    ("listening", "listening on", "正在监听"),
    ("open_tab", "open it in a new tab", "在新标签页打开"),
    ("relay_connecting", "relay: connecting…", "中继:连接中…"),
    ("relay_ok", "relay: connected", "中继:已连接"),
    (
        "relay_gone",
        "relay: gone — reconnecting…",
        "中继:连接断开,正在重连…",
    ),
    (
        "relay_mock",
        "relay: in-page simulation (no real sockets)",
        "中继:页面内模拟(非真实套接字)",
    ),
    ("text_as", "Text as", "文本编码"),
    ("hex", "Hex", "十六进制"),
    ("text", "Text", "文本"),
    ("lang_switch", "中文", "English"),
    (
        "serve_dir",
        "This step needs an ordinary web server on port",
        "这一步需要一个普通 Web 服务器,端口",
    ),
];

/// The text for `key` in `lang`; the key itself if unknown (visible, so a typo is caught).
pub fn tr(lang: Lang, key: &str) -> &str {
    TEXTS
        .iter()
        .find(|(k, _, _)| *k == key)
        .map(|(_, en, zh)| if lang == Lang::Zh { *zh } else { *en })
        .unwrap_or(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_translated() {
        for (i, (key, en, zh)) in TEXTS.iter().enumerate() {
            assert!(!en.is_empty() && !zh.is_empty(), "{key}");
            assert!(
                TEXTS[i + 1..].iter().all(|(k, _, _)| k != key),
                "duplicate {key}"
            );
        }
        assert_eq!(tr(Lang::Zh, "run"), "运行");
        assert_eq!(tr(Lang::En, "nope"), "nope");
    }
}
