import { Injectable, signal } from '@angular/core';

export type ToastKind = 'error' | 'success' | 'info';

export interface Toast {
  id: number;
  kind: ToastKind;
  message: string;
  /** The API request id, so an operator can quote it when reporting the problem. */
  requestId: string | null;
}

const MAX_TOASTS = 5;
const AUTO_DISMISS_MS = 6000;

/** Toast notifications. Errors stay until dismissed (the request id must be readable); others fade. */
@Injectable({ providedIn: 'root' })
export class NotificationService {
  private nextId = 1;
  private readonly items = signal<Toast[]>([]);
  readonly toasts = this.items.asReadonly();

  error(message: string, requestId: string | null = null): void {
    this.push('error', message, requestId);
  }

  success(message: string): void {
    this.push('success', message, null);
  }

  info(message: string): void {
    this.push('info', message, null);
  }

  dismiss(id: number): void {
    this.items.update((items) => items.filter((toast) => toast.id !== id));
  }

  private push(kind: ToastKind, message: string, requestId: string | null): void {
    const toast: Toast = { id: this.nextId++, kind, message, requestId };
    this.items.update((items) => [...items, toast].slice(-MAX_TOASTS));
    if (kind !== 'error') {
      setTimeout(() => this.dismiss(toast.id), AUTO_DISMISS_MS);
    }
  }
}
