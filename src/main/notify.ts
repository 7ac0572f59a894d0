// Desktop notifications for incidents that appear while following (issue 20): the same
// 'incidents' event the page's toast takes, shown by the system. A click brings the window back.
import { BrowserWindow, Notification } from 'electron';
import type { ServerEvent } from '../shared/api';
import { noticeBody, noticeTitle } from '../shared/follow-notice';

export function notifyIncidents(e: ServerEvent, win: () => BrowserWindow | null): void {
  if (e.type !== 'incidents' || !Notification.isSupported()) return;
  for (const n of e.notices.slice(0, 3)) {
    const note = new Notification({ title: noticeTitle(n), body: noticeBody(n) });
    note.on('click', () => {
      const w = win();
      if (w) {
        if (w.isMinimized()) w.restore();
        w.focus();
      }
    });
    note.show();
  }
}
