import { describe, expect, it } from 'vitest';
import { isLazyStacks, lazyStacks, organisationOf, StackBuildError } from '../../../lib/core/lazy-stacks.js';
import { catalogStack, shopStack } from '../../bad-input/fixture.js';

const shop = shopStack();
const catalog = catalogStack();
const byName = new Map([[shop.service.name, shop], [catalog.service.name, catalog]]);

describe('lazyStacks', () => {
  it('lists the names up front and builds a stack only when asked, each time', () => {
    const built: string[] = [];
    const source = lazyStacks([shop.service.name, catalog.service.name], (name) => {
      built.push(name);
      return byName.get(name)!;
    });
    expect(isLazyStacks(source)).toBe(true);
    const organisation = organisationOf(source);
    expect(organisation).toMatchObject({ names: ['shop-api', 'catalog'], lazy: true });
    expect(built).toEqual([]);
    expect(organisation.at(1)).toBe(catalog);
    expect(organisation.at(1)).toBe(catalog);
    expect(built).toEqual(['catalog', 'catalog']);
  });

  it('gives the declared input of a service by position, without building it', () => {
    const built: string[] = [];
    const source = lazyStacks(['shop-api', 'catalog'], (name) => (built.push(name), byName.get(name)!), { inputOf: (name) => ({ spec: name.length }) });
    const organisation = organisationOf(source);
    expect(organisation.inputAt?.(1)).toEqual({ spec: 7 });
    expect(built).toEqual([]);
    expect(organisationOf(lazyStacks(['shop-api'], (name) => byName.get(name)!)).inputAt).toBeUndefined();
  });

  it('reads an array of stacks as the same organisation, without building anything', () => {
    const organisation = organisationOf([shop, catalog]);
    expect(organisation).toMatchObject({ names: ['shop-api', 'catalog'], lazy: false });
    expect(organisation.at(0)).toBe(shop);
    expect(isLazyStacks([shop])).toBe(false);
  });

  it('turns a build that throws, or returns another service, into that service\'s issue', () => {
    const organisation = organisationOf(lazyStacks(['shop-api', 'catalog'], (name) => {
      if (name === 'shop-api') throw new Error('no spec');
      return shop;
    }));
    const issueOf = (i: number) => {
      try {
        organisation.at(i);
      } catch (error) {
        return error instanceof StackBuildError ? error.issue : error;
      }
      return undefined;
    };
    expect(issueOf(0)).toEqual({ service: 'shop-api', field: '(lazyStacks build)', value: 'no spec', allowed: 'a build that returns the stack of every listed name' });
    expect(issueOf(1)).toEqual({ service: 'catalog', field: '(lazyStacks build)', value: 'a stack named "shop-api"', allowed: "the stack of 'catalog', the name it was built for" });
  });

  it('refuses names that are not non-empty strings, naming each, and a build or inputOf that is not a function', () => {
    expect(() => lazyStacks(['a', '', 3 as unknown as string], (name) => byName.get(name)!)).toThrow('lazyStacks: every name must be a non-empty string; got "", 3');
    expect(() => lazyStacks(['a'], 'build' as unknown as () => never)).toThrow('lazyStacks: build must be a function (name) => ServiceStack; got a string');
    expect(() => lazyStacks(['a'], (name) => byName.get(name)!, { inputOf: {} as unknown as () => never })).toThrow('lazyStacks: inputOf must be a function (name) => unknown; got an object');
  });
});
