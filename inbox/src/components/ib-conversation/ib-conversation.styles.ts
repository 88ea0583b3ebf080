import { css } from 'lit';

export const conversationStyles = css`
  :host { display: flex; flex-direction: column; min-height: 0; min-width: 0; background: #f6f8fa; }
  .empty { margin: auto; color: #6a737d; }
  header { background: #fff; border-bottom: 1px solid #e3e6ea; padding: 8px 12px; display: flex; flex-direction: column; gap: 6px; }
  .title { font-size: 16px; font-weight: 600; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
  .num { color: #6a737d; font-weight: 400; }
  .actions, .tags { display: flex; gap: 6px; flex-wrap: wrap; align-items: center; }
  select, button, input { font: inherit; font-size: 13px; }
  select, input.addtag { padding: 3px 6px; border: 1px solid #cfd5dc; border-radius: 6px; }
  button { border: 1px solid #cfd5dc; background: #f6f8fa; border-radius: 6px; padding: 3px 10px; cursor: pointer; }
  button.resolve { background: #2da44e; border-color: #2da44e; color: #fff; }
  button:disabled { opacity: 0.5; cursor: default; }
  .tag, .team { background: #eef1f4; border-radius: 10px; padding: 1px 4px 1px 8px; font-size: 12px; }
  .team { padding-right: 8px; }
  .tag button { border: 0; background: none; padding: 0 4px; }
  input.addtag { width: 90px; }
  .error { color: #b00020; font-size: 13px; }
  .collision { background: #fff3cd; color: #6b4e00; padding: 6px 12px; font-size: 13px; border-bottom: 1px solid #f0d98c; }
  .thread { flex: 1; overflow-y: auto; padding: 12px 16px; display: flex; flex-direction: column; gap: 6px; }
  .day { text-align: center; color: #6a737d; font-size: 12px; margin: 8px 0; }
  .day span { background: #e9ecef; border-radius: 10px; padding: 2px 10px; }
  .activity { text-align: center; color: #6a737d; font-size: 12px; font-style: italic; }
  /* Off-screen messages skip layout and paint: a long thread opens in about the time of a short one. */
  .msg, .activity, .day { content-visibility: auto; contain-intrinsic-size: auto 56px; }
  .msg { max-width: 72%; padding: 6px 10px; border-radius: 10px; background: #fff; border: 1px solid #e3e6ea; align-self: flex-start; }
  .msg.agent { align-self: flex-end; background: #e8f0fe; border-color: #c8dafc; }
  .msg.internal { background: #fff8e1; border: 1px dashed #d4a017; }
  .msg.system { align-self: center; background: #f0f0f0; font-size: 13px; }
  .msg.pending { opacity: 0.6; }
  .head { display: flex; gap: 8px; font-size: 12px; color: #57606a; align-items: baseline; }
  .author { font-weight: 600; color: #24292f; }
  .badge { background: #d4a017; color: #fff; border-radius: 4px; padding: 0 4px; font-size: 11px; }
  .seen { color: #2da44e; }
  .body { white-space: pre-wrap; overflow-wrap: anywhere; margin-top: 2px; }
  .files { list-style: none; margin: 4px 0 0; padding: 0; display: flex; gap: 6px; flex-wrap: wrap; font-size: 12px; }
  .files a { display: inline-flex; align-items: center; gap: 4px; border: 1px solid #e3e6ea; border-radius: 6px; padding: 2px 6px; background: #fff; }
  .files .thumb { max-width: 96px; max-height: 64px; border-radius: 4px; }
  .files .size { color: #6a737d; }
  .delivery { font-size: 12px; color: #57606a; margin-top: 2px; text-align: right; }
  .delivery.sent { color: #2da44e; }
  .delivery.failed, .delivery.not_sent { color: #b00020; }
  .typing { color: #6a737d; font-size: 13px; font-style: italic; }
  .earlier { align-self: center; }
`;
