/**
 * `qa complaint …` and `qa callback …` as a user runs them (SPEC §6): JSON
 * shapes, usage errors (exit 2) that name the fix, phones masked unless
 * --unmask (and then logged), reproducible plans, survey follow-ups on import.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, runQa } from '../helpers/run.js';
import { REPO } from '../helpers/tmp.js';

const EXPORTS = path.join(REPO, 'fixtures', 'exports');
let dir = '';
let db = '';
const qa = (args: string[], env: Record<string, string> = {}) => runQa(['--db', db, ...args], { env: { QA_NOW: '2026-11-03T09:00:00+08:00', QA_USER: 'supervisor.zhang', ...env } });

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
beforeAll(() => {
  // One database for the whole file (tmpDir() would be removed after the first test).
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qa-cases-'));
  db = path.join(dir, 'qa.sqlite');
  expect(qa(['import', 'records', path.join(EXPORTS, 'records-2026-09.csv'), path.join(EXPORTS, 'records-2026-10.csv')]).code).toBe(0);
  expect(qa(['import', 'complaints', path.join(EXPORTS, 'complaints.csv')]).code).toBe(0);
  const s = qa(['import', 'surveys', path.join(EXPORTS, 'surveys-2026-09.csv'), path.join(EXPORTS, 'surveys-2026-10.csv')]);
  expect(s.code).toBe(0);
  // Each file's surveys with a hidden fee or overall <= 2 open their follow-ups at import (said on stderr).
  expect(s.stderr).toMatch(/survey follow-ups: \d+ rectifications opened/);
}, 60_000);

describe('qa complaint', () => {
  it('verify: usage errors for an unknown complaint, missing findings, a second report without --amend', () => {
    let r = qa(['complaint', 'verify', 'TS-NOPE', '--cause', 'x', '--responsibility', '客服部']);
    expect([r.code, r.stderr.split('\n')[0]]).toEqual([2, 'qa: error: there is no complaint "TS-NOPE"']);
    r = qa(['complaint', 'verify', 'TS-202610-004']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--responsibility <dept>[/<staff>], or --unfounded');
    r = qa(['--json', 'complaint', 'verify', 'TS-202610-004', '--cause', '外发含电话 13812345678 的截图', '--responsibility', '客服部/KF02']);
    expect(r.code, r.stderr).toBe(0);
    const doc = json<{ verification: { founded: boolean; cause: string; verified_by: string }; rectification_action: string; rectification: { id: number; owner_person: string; due_date: string } }>(r);
    expect(doc.verification).toMatchObject({ founded: true, cause: '外发含电话 138****5678 的截图', verified_by: 'supervisor.zhang' });
    expect(doc.rectification_action).toBe('opened');
    expect(doc.rectification).toMatchObject({ owner_person: 'KF02', due_date: '2026-11-10' });
    r = qa(['complaint', 'verify', 'TS-202610-004', '--unfounded']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/already verified[\s\S]*hint: .*--amend --reason/);
    // The rectification is in the closed loop: rectify list/show/update work on it.
    const list = json<{ id: number; source: string; item: { kind: string; id: string } }[]>(qa(['--json', 'rectify', 'list', '--dept', '客服部']));
    expect(list.find((x) => x.id === doc.rectification.id)).toMatchObject({ source: 'complaint', item: { kind: 'complaints', id: 'TS-202610-004' } });
    expect(qa(['rectify', 'show', String(doc.rectification.id)]).stdout).toContain('TS-202610-004 · complaint');
    expect(qa(['rectify', 'update', String(doc.rectification.id), '--to', 'analysed', '--note', '未培训'], { QA_USER: 'KF02' }).code).toBe(0);
  });

  it('list and show: the whole case, phones masked unless --unmask (logged)', () => {
    const all = json<{ complaint_id: string; verification: string | null }[]>(qa(['--json', 'complaint', 'list', '--month', '2026-10']));
    expect(all).toHaveLength(18);
    const unverified = json<unknown[]>(qa(['--json', 'complaint', 'list', '--month', '2026-10', '--unverified']));
    expect(unverified.length).toBe(all.filter((c) => c.verification === null).length);
    const leak = json<{ complaint_id: string; description: string }[]>(qa(['--json', 'complaint', 'list'])).find((c) => c.description?.includes('含电话'))!;
    expect(leak.description).toMatch(/138\*\*\*\*5678/);
    const show = json<{ complaint: { description: string }; timings: Record<string, boolean | null>; verifications: unknown[] }>(qa(['--json', 'complaint', 'show', leak.complaint_id]));
    expect(show.complaint.description).toContain('138****5678');
    expect(Object.keys(show.timings)).toEqual(['ack_24h', 'verification_24h', 'investigation_48h', 'resolution_3wd']);
    const unmasked = qa(['--json', '--unmask', 'complaint', 'show', leak.complaint_id]);
    expect(json<{ complaint: { description: string } }>(unmasked).complaint.description).toContain('138 1234 5678');
    const log = json<{ action: string; entity_id: string; detail: { phones: number; rows: string[] } }[]>(qa(['--json', 'log', '--limit', '1']));
    // One entry per command (SPEC §1): the phones the output showed, and the rows they came from.
    expect(log[0]).toMatchObject({ action: 'unmask', entity_id: `complaint show ${leak.complaint_id}`, detail: { rows: [`complaint:${leak.complaint_id}`] } });
    expect(log[0]!.detail.phones).toBeGreaterThanOrEqual(1);
    const zh = qa(['--lang', 'zh', 'complaint', 'show', 'TS-202610-004']);
    expect(zh.stdout).toContain('核查报告');
    expect(zh.stdout).toContain('成立 — 客服部/KF02');
    expect(qa(['complaint', 'show', 'TS-NOPE']).code).toBe(2);
    expect(qa(['complaint', 'list', '--month', '2026-13']).code).toBe(2);
  });
});

describe('qa callback', () => {
  it('plan: seeded, receipted, reproducible; phones masked; a second run adds nothing', () => {
    const r = qa(['--json', 'callback', 'plan', '--date', '2026-11-03', '--seed', 'cli']);
    expect(r.code, r.stderr).toBe(0);
    const doc = json<{ date: string; seed: string; run: number; added: Record<string, number>; entries: { customer_phone: string | null; reason: string }[]; worklist: { open: number } }>(r);
    expect(doc).toMatchObject({ date: '2026-11-03', seed: 'cli', run: 1 });
    expect(doc.added.ended).toBeGreaterThan(0);
    expect(doc.entries.length).toBe(Object.values(doc.added).reduce((a, b) => a + b, 0));
    for (const e of doc.entries) if (e.customer_phone) expect(e.customer_phone).toMatch(/^\d{3}\*{4}\d{4}$/);
    const again = json<{ added: Record<string, number>; run: number }>(qa(['--json', 'callback', 'plan', '--date', '2026-11-03', '--seed', 'cli']));
    expect(again.run).toBe(2);
    expect(Object.values(again.added)).toEqual([0, 0, 0, 0]);
    expect(qa(['callback', 'plan', '--date', '2026-11-31']).code).toBe(2);
  });

  it('list: --due, --overdue, --reason (also in Chinese); a bad reason is a usage error', () => {
    const open = json<{ id: number; state: string; due_date: string; reason: string }[]>(qa(['--json', 'callback', 'list']));
    expect(open.length).toBeGreaterThan(0);
    const overdue = json<{ state: string; due_date: string }[]>(qa(['--json', 'callback', 'list', '--overdue']));
    expect(overdue.every((e) => e.state === 'overdue' && e.due_date < '2026-11-03')).toBe(true);
    const due = json<{ due_date: string }[]>(qa(['--json', 'callback', 'list', '--due', '2026-10-20']));
    expect(due.every((e) => e.due_date <= '2026-10-20')).toBe(true);
    const complaints = json<{ reason: string }[]>(qa(['--json', 'callback', 'list', '--reason', '投诉']));
    expect(complaints.length).toBeGreaterThan(0);
    expect(complaints.every((e) => e.reason === 'complaint')).toBe(true);
    const bad = qa(['callback', 'list', '--reason', 'birthday']);
    expect([bad.code, bad.stderr.split('\n')[0]]).toEqual([2, 'qa: error: --reason must be one of ended, quarterly, churn, complaint, got "birthday"']);
    const table = qa(['callback', 'list', '--reason', 'complaint']);
    expect(table.stdout).toMatch(/complainant callback/);
    expect(table.stdout).not.toMatch(/1[3-9]\d{9}/);
  });
});
