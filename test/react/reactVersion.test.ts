import { version } from 'react';
import { version as domVersion } from 'react-dom';
import { describe, expect, it } from 'vitest';

describe('the React under test', () => {
  it('is the major version this run expects, with a matching react-dom', () => {
    expect(version.split('.')[0]).toBe(process.env.EXPECT_REACT_MAJOR ?? '19');
    expect(domVersion).toBe(version);
  });
});
