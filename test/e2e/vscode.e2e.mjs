// What a user sees in a real VS Code (code-server + Chromium) with the packaged extension on
// real kernel files. Driven by scripts/e2e/run.mjs, which starts everything and passes `ctx`:
//   page       the playwright page showing the workbench, on the workspace folder
//   ws         the workspace (scripts/e2e/workspace.mjs): files, the request_mem_region() call
//   findings   what `iomem-lens check --format json` reports on the workspace (lines, columns)
//   check      check(name, fn): runs one check, prints PASS/FAIL, screenshots on failure
//   skip       skip(name, why): a check that cannot run, counted as failed
//   shot       shot(name): a screenshot into test-results/e2e/
// Every wait is on a selector or a polled condition with a timeout, never a fixed sleep.
import { goToLine, openFile, runCommand, until } from '../../scripts/e2e/launch.mjs';

const DIAGNOSTIC_TIMEOUT = 60_000;

/** The Problems panel's rows, each with the file row it is under. */
async function problemRows(page) {
  const rows = await page.$$eval('.markers-panel .monaco-list-row', (els) => els.map((r) => ({
    level: Number(r.getAttribute('aria-level') ?? '0'),
    index: Number(r.getAttribute('data-index') ?? '0'),
    text: (r.textContent ?? '').replace(/\s+/g, ' ').trim(),
    label: r.getAttribute('aria-label') ?? '',
  })));
  rows.sort((a, b) => a.index - b.index);
  let file = '';
  return rows.map((r) => {
    if (r.level === 1) file = r.text;
    return { ...r, file };
  });
}

async function showProblems(page) {
  const panel = page.locator('.markers-panel');
  if (!(await panel.isVisible())) {
    await page.keyboard.press('Control+Shift+M');
    await panel.waitFor({ state: 'visible', timeout: 10_000 });
  }
  return panel;
}

/** Types `text` into the Problems panel's filter box (what a user does to find a rule). */
async function filterProblems(page, text) {
  const input = page.locator('.panel .viewpane-filter input, .panel .markers-panel-action-filter input').first();
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(text);
}

/** Waits until the Problems panel lists a diagnostic of `rule` under `fileName`; returns its row. */
async function waitForProblem(page, rule, fileName, { present = true, timeout = DIAGNOSTIC_TIMEOUT } = {}) {
  await showProblems(page);
  await filterProblems(page, rule);
  const what = `${present ? '' : 'no '}${rule} under ${fileName} in the Problems panel`;
  let absentSince;
  return until(what, async () => {
    const rows = await problemRows(page);
    const hit = rows.find((r) => r.level === 2 && r.file.includes(fileName) && r.text.includes(rule));
    if (present) return hit;
    // Absent: only once it has stayed so for a while (the list re-renders as it filters).
    if (hit) absentSince = undefined;
    else absentSince ??= Date.now();
    return absentSince !== undefined && Date.now() - absentSince >= 1_000;
  }, { timeout });
}

export async function vscodeChecks({ page, ws, findings, check, skip, shot, diagnose = () => '' }) {
  const kmemName = 'kmem.c';
  const pmemName = 'pmem.c';
  const clobber = findings.find((f) => f.rule === 'resource-flags-clobber' && f.file.endsWith(ws.files.kmem));

  const active = await check('vscode: the extension activates on C files and the workbench opens both kernel files', async () => {
    await openFile(page, ws.files.pmem);
    await openFile(page, ws.files.kmem);
    // The extension's status bar item shows the kernel profile the server detected (from the
    // workspace's Makefile) once the server answers.
    const status = await until('the iomem-lens status bar item with the 6.12 profile', async () => {
      const texts = await page.$$eval('.statusbar-item', (els) => els.map((e) => (e.textContent ?? '').trim()));
      return texts.find((t) => /6\.12 x86_64 · \d+ finding/.test(t));
    }, { timeout: DIAGNOSTIC_TIMEOUT }).catch((e) => {
      // Say why, from the extension host's log (an activation error, the server's stderr).
      throw new Error(`${e.message}\n${diagnose()}`);
    });
    await shot('01-files-open');
    return `status bar: "${status}"`;
  });

  if (!active) {
    // Nothing below can work without the extension: say so instead of timing out four times.
    for (const name of ['vscode a: Problems panel', 'vscode b: hover on request_mem_region', 'vscode d: Simulate function at cursor', 'vscode c: quick fix', 'vscode e: Review patch']) {
      skip(name, 'not run: the extension did not activate');
    }
    return;
  }

  await check('vscode a: the Problems panel lists resource-busy-window in kmem.c and dax-unwind-unassigned in pmem.c (6.1) with their rule ids', async () => {
    const busy = await waitForProblem(page, 'resource-busy-window', kmemName);
    await shot('02a-problems-resource-busy-window');
    const dax = await waitForProblem(page, 'dax-unwind-unassigned', pmemName);
    await shot('02b-problems-dax-unwind-unassigned');
    await filterProblems(page, '');
    await shot('02c-problems-all');
    return `${busy.text.slice(0, 90)}... | ${dax.text.slice(0, 90)}...`;
  });

  await check('vscode b: hovering request_mem_region in kmem.c shows the resource tree before and after the call', async () => {
    await openFile(page, ws.files.kmem);
    await goToLine(page, ws.requestMemRegion.line, ws.requestMemRegion.column);
    const token = page.locator('.editor-instance .monaco-editor .view-lines .view-line span > span', { hasText: /^request_mem_region$/ }).first();
    await token.waitFor({ state: 'visible', timeout: 10_000 });
    const hover = page.locator('.monaco-hover:not(.hidden) .monaco-hover-content, .monaco-hover:not(.hidden) .hover-contents', { hasText: 'Before:' }).first();
    let how = 'mouse';
    await token.hover();
    try {
      await hover.waitFor({ state: 'visible', timeout: 15_000 });
    } catch {
      // The mouse hover can be dismissed by a re-render: ask with the keyboard (Show Hover).
      how = 'keyboard (Ctrl+K Ctrl+I)';
      await page.keyboard.press('Control+K');
      await page.keyboard.press('Control+I');
      await hover.waitFor({ state: 'visible', timeout: 15_000 });
    }
    const text = (await hover.innerText()).replace(/\r/g, '');
    await shot('03-hover-request_mem_region');
    if (!/Before:/.test(text) || !/After:/.test(text)) throw new Error(`hover lacks Before:/After:: ${text.slice(0, 300)}`);
    if (!/Persistent Memory|◀/.test(text)) throw new Error(`hover has no iomem line ("Persistent Memory" or ◀): ${text.slice(0, 300)}`);
    const marked = text.split('\n').find((l) => l.includes('◀')) ?? text.split('\n').find((l) => /Persistent Memory/.test(l));
    await page.keyboard.press('Escape');
    return `${how}; ${marked?.trim()}`;
  });

  await check('vscode d: "iomem-lens: Simulate function at cursor" in the probe opens the webview with the SVG address map and the "another driver" lane', async () => {
    await openFile(page, ws.files.kmem);
    await goToLine(page, ws.requestMemRegion.line, ws.requestMemRegion.column);
    await runCommand(page, 'iomem-lens: Simulate function at cursor');
    await page.locator('.tabs-container .tab', { hasText: `Simulate ${ws.probe}()` }).first().waitFor({ timeout: 30_000 });
    // Webviews are nested iframes: find the frame that holds the page.
    const frame = await until('the simulation webview frame with an SVG map', async () => {
      for (const f of page.frames()) {
        if (await f.locator('svg .iol-region').count().catch(() => 0)) return f;
      }
      return undefined;
    }, { timeout: 30_000 });
    const html = await frame.content();
    if (!html.includes('<svg')) throw new Error('no <svg in the webview');
    const regions = await frame.locator('.map.current svg .iol-region').count();
    const lanes = await frame.locator('.lane h2').allTextContents();
    if (!lanes.includes('another driver')) throw new Error(`lanes are ${JSON.stringify(lanes)}, no "another driver"`);
    const finding = (await frame.locator('.finding').textContent())?.trim() ?? '';
    await shot('04-simulate-webview');
    return `${regions} .iol-region in the current map; lanes ${JSON.stringify(lanes)}; ${finding.slice(0, 60)}...`;
  });

  await check('vscode c: the resource-flags-clobber quick fix "Change only the bits meant" applies and the diagnostic goes away', async () => {
    if (!clobber) throw new Error('the CLI reported no resource-flags-clobber in kmem.c: nothing to fix');
    await waitForProblem(page, 'resource-flags-clobber', kmemName);
    await openFile(page, ws.files.kmem);
    await goToLine(page, clobber.line, clobber.column);
    await page.keyboard.press('Control+.');
    const item = page.locator('.action-widget .monaco-list-row', { hasText: 'Change only the bits meant' }).first();
    await item.waitFor({ state: 'visible', timeout: 15_000 });
    await shot('05a-quick-fix-menu');
    // Pick it with the keyboard (the menu animates, clicks race it): arrow to it, Enter.
    await until('the quick fix to be focused in the menu', async () => {
      const focused = await page.locator('.action-widget .monaco-list-row.focused').first().getAttribute('aria-label').catch(() => null);
      if (focused === 'Change only the bits meant') return true;
      await page.keyboard.press('ArrowDown');
      return false;
    }, { timeout: 10_000, interval: 200 });
    await page.keyboard.press('Enter');
    // The edit applies at once; should a Refactor Preview pane appear (an edit that asks for
    // confirmation), it is handled below.
    const apply = page.locator('.bulk-edit-panel .monaco-button', { hasText: /^Apply$/ }).first();
    let previewed = false;
    await until('the fix to apply or its preview to appear', async () => {
      if (await apply.isVisible().catch(() => false)) return (previewed = true);
      const text = await page.locator('.editor-instance .monaco-editor .view-lines').first().innerText();
      return text.split('\n').some((l) => /flags\s*=.*~\(IORESOURCE_BUSY/.test(l));
    }, { timeout: 15_000 });
    let ticked = 0;
    if (previewed) {
      // VS Code lists edits that need confirmation unticked, and Apply applies only the ticked
      // ones: tick them first, as a user must.
      await page.locator('.bulk-edit-panel input.edit-checkbox').first().waitFor({ state: 'visible', timeout: 10_000 });
      await shot('05b-refactor-preview');
      const boxes = page.locator('.bulk-edit-panel input.edit-checkbox');
      for (let i = 0; i < await boxes.count(); i++) {
        const box = boxes.nth(i);
        if (!(await box.isChecked())) {
          await box.check();
          ticked++;
        }
      }
      await shot('05c-refactor-preview-ticked');
      await apply.click();
      await apply.waitFor({ state: 'hidden', timeout: 15_000 });
    }
    const after = await until('the fixed line in the editor', async () => {
      const text = await page.locator('.editor-instance .monaco-editor .view-lines').first().innerText();
      return text.split('\n').find((l) => /flags\s*=.*~\(IORESOURCE_BUSY/.test(l));
    }, { timeout: 15_000 });
    await waitForProblem(page, 'resource-flags-clobber', kmemName, { present: false });
    await shot('05d-after-fix-problems');
    // The panel is live: the other finding on that line is still listed.
    await waitForProblem(page, 'resource-busy-window', kmemName);
    await filterProblems(page, '');
    return `${previewed ? `Refactor Preview shown, ${ticked} unticked edit(s) ticked, Apply clicked; ` : 'applied without a preview; '}line now: ${after.trim()}`;
  });

  await check('vscode e: "iomem-lens: Review patch..." on the pmem fix opens the report in the markdown preview: it fixes dax-unwind-unassigned', async () => {
    await runCommand(page, 'iomem-lens: Review patch...');
    const input = page.locator('.quick-input-widget input.input');
    await page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'Pick a patch file...' }).first().waitFor({ timeout: 15_000 });
    await page.keyboard.press('Enter');
    // code-server's file dialog is a quick input: type the path, Enter opens it.
    // The dialog fills in its start folder once it has read it: wait for that, then type over it
    // (typing earlier gets overwritten), and check the path stuck before Enter.
    await until('the file dialog with its start folder', async () => {
      if (await page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'Pick a patch file...' }).count()) return false;
      return (await input.isVisible()) && (await input.inputValue()).endsWith('/');
    }, { timeout: 15_000 });
    await until('the patch path in the file dialog', async () => {
      if ((await input.inputValue()) === ws.patch) return true;
      await input.fill(ws.patch);
      return false;
    }, { timeout: 15_000, interval: 300 });
    await shot('06a-review-pick-file');
    await page.keyboard.press('Enter');
    await page.locator('.tabs-container .tab', { hasText: 'Preview review.md' }).first().waitFor({ timeout: 30_000 });
    const frame = await until('the markdown preview with the review', async () => {
      for (const f of page.frames()) {
        const text = await f.locator('body').innerText().catch(() => '');
        if (/Fixes:/.test(text) && /dax-unwind-unassigned/.test(text)) return f;
      }
      return undefined;
    }, { timeout: 30_000 });
    const text = await frame.locator('body').innerText();
    await shot('06b-review-preview');
    const link = frame.locator('a[href*="pmem.c"]').first();
    if (!(await link.count())) throw new Error(`the report has no link to pmem.c: ${text.slice(0, 300)}`);
    // The link opens pmem.c at the line of the finding the patch fixes.
    const line = /pmem\.c:(\d+)/.exec(await link.innerText())?.[1];
    await link.click();
    const at = await until(`pmem.c open at line ${line}`, async () => {
      const active = (await page.locator('.tabs-container .tab.active').first().innerText().catch(() => '')).trim();
      const pos = (await page.locator('.statusbar-item[id="status.editor.selection"]').first().innerText().catch(() => '')).trim();
      return active.startsWith('pmem.c') && pos.includes(`Ln ${line},`) ? pos : undefined;
    }, { timeout: 15_000 });
    await shot('06c-review-link-opened');
    return `${text.split('\n').find((l) => /dax-unwind-unassigned/.test(l))?.trim()}; the link opened pmem.c at ${at}`;
  });
}
