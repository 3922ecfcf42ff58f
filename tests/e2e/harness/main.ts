// Test-only entry: mounts the shared components (tests/e2e/components.e2e.test.ts builds it).
import { mount } from 'svelte';
import '../../../src/lib/styles/tokens.css';
import '../../../src/lib/styles/base.css';
import Gallery from './Gallery.svelte';

mount(Gallery, { target: document.getElementById('app')! });
