import { css, unsafeCSS } from 'lit';
import { PHONE_MAX, WIDE_MIN } from '../../styles/tokens.js';

const phone = unsafeCSS(`(max-width: ${PHONE_MAX}px)`);
const wide = unsafeCSS(`(min-width: ${WIDE_MIN}px)`);

export const conversationStyles = css`
  :host { display: flex; flex-direction: column; min-height: 0; min-width: 0; background: var(--ib-bg-canvas); }
  .empty, .not-found { margin: auto; max-width: 400px; }
  kbd { border: 1px solid var(--ib-border); border-bottom-width: 2px; border-radius: 4px; padding: 0 5px; font-family: var(--ib-font-mono); font-size: var(--ib-text-sm); background: var(--ib-bg); color: var(--ib-text); }

  header { background: var(--ib-bg); border-bottom: 1px solid var(--ib-border-muted); padding: var(--ib-space-2) var(--ib-space-4) var(--ib-space-3); display: flex; flex-direction: column; gap: var(--ib-space-2); }
  .top { display: flex; align-items: center; gap: var(--ib-space-2); min-width: 0; }
  .heading { flex: 1; min-width: 0; }
  h2.title { font-size: var(--ib-text-lg); font-weight: 600; margin: 0; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
  .num { color: var(--ib-text-muted); font-weight: 400; }
  .requester { font-size: var(--ib-text-md); color: var(--ib-text-muted); white-space: nowrap; overflow: hidden; text-overflow: ellipsis; display: flex; gap: var(--ib-space-1); align-items: center; }
  .requester .name { color: var(--ib-text); font-weight: 500; }
  .back { display: none; }
  @media ${wide} { .contact-toggle { display: none; } }
  @media ${phone} {
    .back { display: inline-flex; }
    header { padding: var(--ib-space-2) var(--ib-space-3); }
    /* Room for the subject: two lines, and the contact button as an icon. */
    h2.title { white-space: normal; display: -webkit-box; -webkit-box-orient: vertical; -webkit-line-clamp: 2; font-size: var(--ib-text-base); line-height: 1.3; }
    .contact-toggle .wide { display: none; }
    .contact-toggle::part(control) { padding: 0; width: var(--ib-control-md); }
  }
  .actions, .tags { display: flex; gap: var(--ib-space-2); flex-wrap: wrap; align-items: center; }
  .actions ib-select { max-width: 220px; }
  .actions ib-select.assignee { min-width: 160px; }
  .tag, .team { padding-right: 2px; font-size: var(--ib-text-sm); line-height: 22px; }
  .team { padding-right: var(--ib-space-2); }
  .tag button { border: 0; background: none; padding: 0 6px; border-radius: var(--ib-radius-pill); cursor: pointer; color: var(--ib-text-muted); line-height: 22px; }
  .tag button:hover { background: var(--ib-border); color: var(--ib-text); }
  input.addtag { width: 110px; min-height: 26px; font-size: var(--ib-text-sm); }
  .error { color: var(--ib-danger); font-size: var(--ib-text-md); }
  .collision { background: var(--ib-attention-subtle); color: var(--ib-attention); padding: var(--ib-space-2) var(--ib-space-4); font-size: var(--ib-text-md); border-bottom: 1px solid var(--ib-attention-border); }

  .thread { flex: 1; overflow-y: auto; padding: var(--ib-space-3) var(--ib-space-4); display: flex; flex-direction: column; gap: var(--ib-space-2); }
  .thread:focus-visible { outline-offset: -3px; }
  .day { text-align: center; color: var(--ib-text-muted); font-size: var(--ib-text-sm); margin: var(--ib-space-2) 0; }
  .day span { background: var(--ib-bg); border: 1px solid var(--ib-border-muted); border-radius: var(--ib-radius-pill); padding: 1px 10px; }
  .activity { text-align: center; color: var(--ib-text-muted); font-size: var(--ib-text-sm); }
  ib-dialog.over p { margin: 0; }
  /* A routing decision: its candidates open under it. */
  /* A rule run or a macro: each action's outcome opens under it, failures in words and red. */
  .run summary { cursor: pointer; border-radius: var(--ib-radius); padding: 0 var(--ib-space-1); }
  .run summary:hover { color: var(--ib-text); }
  .run summary:focus-visible { outline: 2px solid var(--ib-focus); outline-offset: 1px; }
  .run.has-failure summary { color: var(--ib-danger); }
  .run .outcomes {
    display: inline-flex; margin: var(--ib-space-1) 0 0; padding: var(--ib-space-2) var(--ib-space-3); text-align: start;
    background: var(--ib-bg); border: 1px solid var(--ib-border-muted); border-radius: var(--ib-radius); font-size: var(--ib-text-sm);
  }
  .routed summary { cursor: pointer; border-radius: var(--ib-radius); padding: 0 var(--ib-space-1); }
  .routed summary:hover { color: var(--ib-text); }
  .routed summary:focus-visible { outline: 2px solid var(--ib-focus); outline-offset: 1px; }
  .routed .candidates {
    display: inline-block; margin: var(--ib-space-1) 0 0; padding: var(--ib-space-2) var(--ib-space-3); list-style: none; text-align: start;
    background: var(--ib-bg); border: 1px solid var(--ib-border-muted); border-radius: var(--ib-radius);
  }
  .routed .candidates li.chosen { color: var(--ib-text); font-weight: 600; }
  .routed .name { color: var(--ib-text); }
  /* Off-screen messages skip layout and paint: a long thread opens in about the time of a short one. */
  .msg, .activity, .day { content-visibility: auto; contain-intrinsic-size: auto 56px; }
  .msg { max-width: min(72%, 640px); padding: var(--ib-space-2) var(--ib-space-3); border-radius: var(--ib-radius-lg); background: var(--ib-bg); border: 1px solid var(--ib-border-muted); align-self: flex-start; }
  .msg.has-email { max-width: min(100%, 760px); width: 100%; box-sizing: border-box; }
  .msg.agent { align-self: flex-end; background: var(--ib-accent-subtle); border-color: var(--ib-accent-border); }
  .msg.internal { background: var(--ib-note); border: 1px dashed var(--ib-attention-border); }
  .msg.system { align-self: center; background: var(--ib-bg-muted); font-size: var(--ib-text-md); }
  .msg.pending { opacity: 0.75; }
  @media ${phone} {
    .thread { padding: var(--ib-space-3); }
    .msg { max-width: 88%; }
  }
  .head { display: flex; gap: var(--ib-space-2); font-size: var(--ib-text-sm); color: var(--ib-text-muted); align-items: baseline; flex-wrap: wrap; }
  .author { font-weight: 600; color: var(--ib-text); }
  .badge { background: var(--ib-attention-subtle); color: var(--ib-attention); border: 1px solid var(--ib-attention-border); border-radius: 4px; padding: 0 4px; font-size: var(--ib-text-xs); font-weight: 600; }
  .seen { color: var(--ib-success-text); font-weight: 500; }
  .via { display: inline-flex; align-items: center; gap: 3px; }
  .retry { border: 0; background: none; padding: 0; color: var(--ib-accent); text-decoration: underline; cursor: pointer; font-size: inherit; }
  .body { white-space: pre-wrap; overflow-wrap: anywhere; margin-top: 2px; }
  .body a, .files a { color: var(--ib-link, var(--ib-accent)); text-decoration: underline; text-underline-offset: 2px; }
  /* Links on the agent's tinted bubbles: a darker blue keeps 4.5:1. */
  .msg.agent { --ib-link: #0550ae; }
  .files { list-style: none; margin: var(--ib-space-1) 0 0; padding: 0; display: flex; gap: 6px; flex-wrap: wrap; font-size: var(--ib-text-sm); }
  .files a, .files li:not(:has(a)) { display: inline-flex; align-items: center; gap: var(--ib-space-1); border: 1px solid var(--ib-border-muted); border-radius: var(--ib-radius); padding: 2px 6px; background: var(--ib-bg); }
  .files .thumb { max-width: 96px; max-height: 64px; border-radius: 4px; }
  .files .size { color: var(--ib-text-muted); }
  .delivery { font-size: var(--ib-text-sm); color: var(--ib-text-muted); margin-top: 2px; text-align: right; display: flex; gap: var(--ib-space-1); justify-content: flex-end; align-items: center; }
  .delivery.sent { color: var(--ib-success-text); }
  .delivery.failed, .delivery.not_sent { color: var(--ib-danger); }
  .typing { color: var(--ib-text-muted); font-size: var(--ib-text-md); font-style: italic; }
  .earlier { align-self: center; }
`;
