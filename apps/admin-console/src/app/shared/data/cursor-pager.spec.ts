import { CursorPager } from './cursor-pager';

describe('CursorPager', () => {
  it('walks forward with the last id of each page and back through the stack', () => {
    const pager = new CursorPager();
    expect(pager.cursor()).toBeUndefined();
    expect(pager.hasPrevious()).toBe(false);

    pager.next('mer_20');
    pager.next('mer_40');
    expect(pager.cursor()).toBe('mer_40');
    expect(pager.pageNumber()).toBe(3);

    pager.previous();
    expect(pager.cursor()).toBe('mer_20');
    pager.previous();
    expect(pager.cursor()).toBeUndefined();
    expect(pager.pageNumber()).toBe(1);
  });

  it('reset returns to the first page', () => {
    const pager = new CursorPager();
    pager.next('a');
    pager.reset();
    expect(pager.cursor()).toBeUndefined();
    expect(pager.hasPrevious()).toBe(false);
  });
});
