"""Small in-page accessibility checks (no axe download): names, contrast, 390 px overflow.

Each constant is a JavaScript function Playwright evaluates in the page; each returns a
list of problems as short strings (empty = fine), so a failing test prints what a person
would stumble over and where.
"""

from __future__ import annotations

# Shared helpers: is an element shown, and a short description of it for the report.
_HELPERS = """
  const shown = el => {
    if (!el.getClientRects().length) return false;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') return false;
    const r = el.getBoundingClientRect();
    if (r.width < 2 || r.height < 2) return false;  // Select2's off-screen inputs and the like
    if (style.clip === 'rect(0px, 0px, 0px, 0px)' || style.clipPath === 'inset(50%)') return false;
    return true;
  };
  const describe = el => {
    const id = el.id ? '#' + el.id : '';
    const name = el.getAttribute('name') ? `[name=${el.getAttribute('name')}]` : '';
    const cls = !id && !name && el.className && typeof el.className === 'string'
      ? '.' + el.className.trim().split(/\\s+/).slice(0, 2).join('.') : '';
    const text = (el.innerText || el.value || '').trim().slice(0, 30);
    return `${el.tagName.toLowerCase()}${id}${name}${cls}${text ? ' "' + text + '"' : ''}`;
  };
  const parse = text => {
    const m = text.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return [0, 0, 0, 0];
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, bottom) => {  // top composited over an opaque bottom
    const a = top[3];
    return [0, 1, 2].map(i => top[i] * a + bottom[i] * (1 - a)).concat([1]);
  };
  const background = el => {
    const layers = [];
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      const color = parse(getComputedStyle(node).backgroundColor);
      if (color[3] > 0) layers.push(color);
      if (color[3] >= 1) break;
    }
    let result = [255, 255, 255, 1];
    for (const layer of layers.reverse()) result = over(layer, result);
    return result;
  };
  const opacity = el => {
    let value = 1;
    for (let node = el; node && node.nodeType === 1; node = node.parentElement)
      value *= Number(getComputedStyle(node).opacity);
    return value;
  };
  const luminance = c => {
    const [r, g, b] = c.slice(0, 3).map(v => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ratio = (a, b) => (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
"""

# Every visible input, select and textarea has an accessible name: a <label for>, a
# wrapping <label>, aria-label or aria-labelledby (a placeholder is not a name).
UNNAMED_INPUTS = "() => {" + _HELPERS + """
  const out = [];
  for (const el of document.querySelectorAll('input, select, textarea')) {
    if (['hidden', 'submit', 'button', 'reset', 'image'].includes(el.type) || !shown(el)) continue;
    const labelled = (el.getAttribute('aria-label') || '').trim()
      || (el.getAttribute('aria-labelledby') || '').split(/\\s+/)
           .some(id => id && (document.getElementById(id)?.textContent || '').trim())
      || [...(el.labels || [])].some(label => label.textContent.trim());
    if (!labelled) out.push(describe(el));
  }
  return out;
}"""

# WCAG 2.x contrast of every visible text against the background found by walking up the
# ancestors (compositing semi-transparent backgrounds over white); 4.5:1, or 3:1 for large
# text (24 px, or 18.66 px bold). Disabled controls are exempt, as WCAG says.
LOW_CONTRAST = "() => {" + _HELPERS + """
  const out = [], seen = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || seen.has(el) || !node.textContent.trim()) continue;
    seen.add(el);
    if (el.closest('script, style, option, [disabled], .disabled, [aria-hidden="true"]')) continue;
    if (!shown(el)) continue;
    const style = getComputedStyle(el);
    const bg = background(el);
    const fg = parse(style.color);
    fg[3] *= opacity(el);
    const value = ratio(luminance(over(fg, bg)), luminance(bg));
    const size = parseFloat(style.fontSize), bold = Number(style.fontWeight) >= 700;
    const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    if (value < needed)
      out.push(`${describe(el)} ${value.toFixed(2)}:1 (${style.color} on rgb(${bg.slice(0, 3)
        .map(Math.round)}))`);
  }
  return out;
}"""

# At the current (phone) width nothing sticks out of the viewport unless a horizontally
# scrollable container holds it: the page itself never scrolls sideways.
OVERFLOWING = "() => {" + _HELPERS + """
  const width = document.documentElement.clientWidth;
  const scroller = el => {
    for (let node = el.parentElement; node && node !== document.body; node = node.parentElement) {
      const overflow = getComputedStyle(node).overflowX;
      if (overflow === 'auto' || overflow === 'scroll') {
        const r = node.getBoundingClientRect();
        return r.left >= -1 && r.right <= width + 1;
      }
      if (overflow === 'hidden' || overflow === 'clip') return true;  // clipped, not off-page
    }
    return false;
  };
  const out = [];
  if (document.documentElement.scrollWidth > width + 1)
    out.push(`the page is ${document.documentElement.scrollWidth}px wide`);
  for (const el of document.body.querySelectorAll('*')) {
    if (!shown(el) || getComputedStyle(el).position === 'fixed') continue;
    const r = el.getBoundingClientRect();
    if ((r.right > width + 1 || r.left < -1) && !scroller(el)) out.push(describe(el));
  }
  return out.slice(0, 20);
}"""

# The buttons a person acts with (form submits and button-styled links outside the menu
# bar), numbered with data-a11y-action so the test can try each one; returns how many.
MARK_ACTIONS = "() => {" + _HELPERS + """
  let n = 0;
  for (const el of document.querySelectorAll('button, input[type=submit], a.btn')) {
    if (el.closest('nav') || !el.getClientRects().length || el.disabled) continue;
    el.setAttribute('data-a11y-action', String(n++));
  }
  return n;
}"""

# The focused element's ring: an outline or box-shadow at least 2 px wide whose colour has
# 3:1 contrast against the background around it (WCAG 2.4.7 and 1.4.11); null when fine.
FOCUS_RING = "() => {" + _HELPERS + """
  const el = document.activeElement, style = getComputedStyle(el);
  const bg = background(el.parentElement || el);
  const rings = [];
  if (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2)
    rings.push(parse(style.outlineColor));
  const shadow = style.boxShadow.match(/rgba?\\([^)]+\\)[^,]*?(\\d+(\\.\\d+)?)px(?:,|$)/);
  if (style.boxShadow !== 'none' && shadow && parseFloat(shadow[1]) >= 2)
    rings.push(parse(style.boxShadow));
  const best = Math.max(0, ...rings.map(c => ratio(luminance(over(c, bg)), luminance(bg))));
  return best >= 3 ? null : `${describe(el)}: focus ring ${style.outlineStyle} ` +
    `${style.outlineWidth} ${style.outlineColor} / ${style.boxShadow}, best ${best.toFixed(2)}:1`;
}"""
